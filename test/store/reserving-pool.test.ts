import pg from 'pg';
import { ReservingPool, soon, urgently } from '../../src/store/urgent';
import { postgresUnavailableReason, TEST_DATABASE_URL } from '../support/stores';
import { eventually } from '../support/wait';

/*
 * Who gets a PostgreSQL connection first when they are all taken (issue 30): an acknowledgement's
 * work never waits (it has connections of its own), a click's redraw and delivery wait at the
 * front of the queue, everything else in arrival order.
 */
const reason = postgresUnavailableReason();
if (reason) console.warn(`reserving pool tests skipped: ${reason}`);
const onServer = reason ? describe.skip : describe;

onServer('the reserving pool, on a PostgreSQL server', () => {
  let pool: pg.Pool;
  beforeEach(() => {
    pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 3 });
  });
  afterEach(() => pool.end());

  it('with the shared connection taken: acknowledgement work gets a reserved one at once, watched work goes before the queue, the rest in order', async () => {
    const reserving = new ReservingPool(pool, 1);
    const held = await reserving.connect();
    const order: string[] = [];
    const clients: pg.PoolClient[] = [];
    const take = (name: string, connect: () => Promise<pg.PoolClient>) =>
      connect().then((client) => {
        order.push(name);
        clients.push(client);
        return client;
      });
    void take('command 1', () => reserving.connect());
    void take('redraw 1', () => soon(() => reserving.connect()));
    void take('command 2', () => reserving.connect());
    void take('redraw 2', () => soon(() => reserving.connect()));
    const ack = await urgently(() => reserving.connect());
    expect((await ack.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    ack.release();
    expect(order).toEqual([]);
    held.release();
    for (let served = 1; served <= 4; served += 1) {
      await eventually(() => order.length === served);
      clients[served - 1]?.release();
    }
    expect(order).toEqual(['redraw 1', 'redraw 2', 'command 1', 'command 2']);
  });
});
