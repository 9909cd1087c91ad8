/*
 * The platform-neutral view model. Handlers return views; adapters render them as Block Kit,
 * Adaptive Cards or HTML. No handler knows a platform's format.
 */

export type Tone = 'normal' | 'muted' | 'success' | 'warning' | 'error';

export interface ButtonAction {
  /** Routes the click: one of ACTION_IDS. */
  actionId: string;
  label: string;
  /** Opaque reference to stored state, validated on return (see payloads.ts). */
  value: string;
  style?: 'primary' | 'danger';
}

export interface FormField {
  id: string;
  label: string;
  value: string;
  placeholder?: string;
  hint?: string;
  error?: string;
  multiline?: boolean;
  maxLength?: number;
}

export interface FormView {
  /** Routes the submission: one of FORM_IDS. */
  formId: string;
  /** Opaque reference carried through the form (e.g. whose hours). */
  state: string;
  title: string;
  submitLabel: string;
  cancelLabel: string;
  intro?: string;
  fields: FormField[];
}

export type Block =
  | { type: 'text'; text: string; tone?: Tone }
  | { type: 'heading'; text: string }
  | { type: 'fields'; fields: { label: string; value: string }[] }
  | { type: 'table'; columns: { label: string; align?: 'left' | 'right' }[]; rows: string[][]; footer?: string[] }
  | { type: 'actions'; actions: ButtonAction[] }
  /** A line with its own buttons (a trip with Private / Professional). */
  | { type: 'item'; text: string; status?: string; tone?: Tone; actions: ButtonAction[] }
  | { type: 'image'; png: Buffer; alt: string; name: string }
  | { type: 'file'; name: string; mime: string; data: Buffer; title: string }
  | { type: 'divider' };

export interface View {
  /** Short text for notifications and for platforms' fallback text. */
  summary: string;
  title?: string;
  blocks: Block[];
}

/** What a button leads to: update the message it sits in, answer the user apart, or open a form. */
export interface ActionOutcome {
  update?: View;
  reply?: View;
  form?: FormView;
}

/** What a submitted form leads to: field errors (with the form to show again), or a view to show. */
export interface SubmitOutcome {
  errors?: Record<string, string>;
  form?: FormView;
  done?: View;
}

export function textView(summary: string, tone: Tone = 'normal', title?: string): View {
  return { summary, title, blocks: [{ type: 'text', text: summary, tone }] };
}

/** Every block of a view that is a file or an image, which some platforms send apart. */
export function attachments(view: View): Extract<Block, { type: 'image' | 'file' }>[] {
  return view.blocks.filter((b): b is Extract<Block, { type: 'image' | 'file' }> => b.type === 'image' || b.type === 'file');
}

export const ACTION_IDS = {
  answer: 'trip_answer',
  acceptSuggestions: 'accept_suggestions',
  page: 'prompt_page',
  overviewDays: 'overview_days',
  editSchedule: 'schedule_edit',
  showSchedule: 'schedule_show',
  addPeriod: 'period_add',
  deletePeriod: 'period_delete',
  confirmDeletePeriod: 'period_delete_confirm',
  remind: 'remind_unanswered',
  forgetConfirm: 'forget_confirm',
  forgetCancel: 'forget_cancel',
} as const;

export const FORM_IDS = {
  schedule: 'schedule_form',
  period: 'period_form',
} as const;
