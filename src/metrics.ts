import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus metrics, one registry per service instance (tests run several in one process). */
export class Metrics {
  readonly registry = new Registry();
  readonly promptsSent = new Counter({ name: 'privacy_prompts_sent_total', help: 'Daily prompts sent', labelNames: ['platform'], registers: [this.registry] });
  readonly promptsFailed = new Counter({
    name: 'privacy_prompts_failed_total',
    help: 'Daily prompts that could not be sent',
    labelNames: ['platform'],
    registers: [this.registry],
  });
  readonly answersDelivered = new Counter({ name: 'privacy_answers_delivered_total', help: 'Answers delivered to Ocean', registers: [this.registry] });
  readonly answersRefused = new Counter({ name: 'privacy_answers_refused_total', help: 'Answers refused by Ocean (permanent)', registers: [this.registry] });
  readonly answersUnconfirmed = new Counter({
    name: 'privacy_answers_unconfirmed_total',
    help: 'Answers Ocean took with an undocumented body: not counted as saved, to be checked by an operator',
    registers: [this.registry],
  });
  readonly oceanPasswordDaysLeft = new Gauge({
    name: 'ocean_password_expiration_remaining_days',
    help: 'Days before the Ocean API password expires, as Ocean said at the last login (NaN until then)',
    registers: [this.registry],
  });
  readonly answerRetries = new Counter({
    name: 'privacy_answer_delivery_retries_total',
    help: 'Answer deliveries that will be retried',
    registers: [this.registry],
  });
  readonly afterAckWaiting = new Gauge({
    name: 'privacy_after_ack_waiting',
    help: 'Requests acknowledged whose answer or redraw waits for its turn (a few run at once)',
    registers: [this.registry],
  });
  readonly answersPending = new Gauge({ name: 'privacy_answers_pending', help: 'Answers waiting for delivery to Ocean', registers: [this.registry] });
  readonly oldestPendingAge = new Gauge({
    name: 'privacy_outbox_oldest_pending_seconds',
    help: 'Age of the oldest answer not yet delivered',
    registers: [this.registry],
  });
  readonly oceanDuration = new Histogram({
    name: 'ocean_request_duration_seconds',
    help: 'Ocean API requests by endpoint and status',
    labelNames: ['endpoint', 'status'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly chatRateLimited = new Counter({
    name: 'chat_rate_limited_total',
    help: 'HTTP 429 answers from a chat platform',
    labelNames: ['platform'],
    registers: [this.registry],
  });
  readonly cronRuns = new Counter({
    name: 'cron_runs_total',
    help: 'Scheduled runs by job and outcome',
    labelNames: ['job', 'outcome'],
    registers: [this.registry],
  });

  constructor(defaults = true) {
    if (defaults) collectDefaultMetrics({ register: this.registry });
  }
}
