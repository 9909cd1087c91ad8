import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

export interface SocketAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

/**
 * Slack's Socket Mode end on 127.0.0.1: the URL `apps.connections.open` hands out (FakeSlack
 * answers it), a `hello` when the app connects, then envelopes the test sends; it records the
 * acknowledgements the app sends back, envelope by envelope.
 */
export class FakeSocketMode {
  readonly acks: SocketAck[] = [];
  private server: WebSocketServer | undefined;
  private socket: WebSocket | undefined;
  private next = 1;
  url = '';

  async start(): Promise<string> {
    this.server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => this.server!.once('listening', () => resolve()));
    this.url = `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/link`;
    this.server.on('connection', (socket) => {
      this.socket = socket;
      socket.on('message', (data) => this.acks.push(JSON.parse(String(data)) as SocketAck));
      socket.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A_PRIVACY' }, debug_info: { host: 'fake' } }));
    });
    return this.url;
  }

  get connected(): boolean {
    return this.socket?.readyState === 1;
  }

  /** Sends an envelope; resolves with the app's acknowledgement of it. */
  async send(type: 'slash_commands' | 'interactive' | 'events_api', payload: Record<string, unknown>, timeoutMs = 5_000): Promise<SocketAck> {
    if (!this.socket) throw new Error('the app is not connected');
    const envelope_id = `env-${this.next++}`;
    this.socket.send(JSON.stringify({ envelope_id, type, payload, accepts_response_payload: type !== 'events_api' }));
    const started = Date.now();
    for (;;) {
      const ack = this.acks.find((a) => a.envelope_id === envelope_id);
      if (ack) return ack;
      if (Date.now() - started > timeoutMs) throw new Error(`no acknowledgement of ${envelope_id}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async stop(): Promise<void> {
    for (const client of this.server?.clients ?? []) client.terminate();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
