import type { ActionsBlock, Button, ContextBlock, KnownBlock, ModalView, MrkdwnElement, SectionBlock } from '@slack/types';
import type { Block, ButtonAction, FormView, Tone, View } from '../../src/views/views';

/*
 * Views to Block Kit, within Block Kit's limits: 50 blocks a message (100 in a modal or App
 * Home), 3,000 characters a text, 10 fields a section, 25 elements an actions block, 75
 * characters a button label, 2,000 a button value, unique action_ids within a block.
 * Limits count the text Slack receives, so they are measured after escaping.
 */

export const LIMITS = {
  blocks: 50,
  surfaceBlocks: 100,
  text: 3000,
  fields: 10,
  fieldText: 2000,
  actions: 25,
  buttonText: 75,
  buttonValue: 2000,
  header: 150,
  modalTitle: 24,
};

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** Slack's three control characters in mrkdwn text: `<!channel>`, `<@U…>` and `<url|text>` stay text. */
export function escape(text: string): string {
  return text.replace(/[&<>]/g, (c) => ENTITIES[c] as string);
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The longest start of `text` whose escaped form fits in `max`, escaped (never half an entity). */
function escapedPrefix(text: string, max: number): { escaped: string; rest: string } {
  let length = 0;
  let i = 0;
  for (; i < text.length; i += 1) {
    const size = ENTITIES[text[i] as string]?.length ?? 1;
    if (length + size > max) break;
    length += size;
  }
  return { escaped: escape(text.slice(0, i)), rest: text.slice(i) };
}

/** `text` escaped and cut to `max` characters of escaped text. */
function cutEscaped(text: string, max: number): string {
  const { escaped, rest } = escapedPrefix(text, max);
  return rest ? `${escapedPrefix(text, max - 1).escaped}…` : escaped;
}

/*
 * verbatim: Slack otherwise turns bare URLs, #channel names and @here in user text into live
 * links and mentions. Our own formatting (*bold*, _italic_) still renders.
 */
function md(text: string): MrkdwnElement {
  return { type: 'mrkdwn', text, verbatim: true };
}

const TONE_PREFIX: Record<Tone, string> = { normal: '', muted: '', success: ':white_check_mark: ', warning: ':warning: ', error: ':x: ' };

function mrkdwn(text: string, tone: Tone = 'normal'): (SectionBlock | ContextBlock)[] {
  const prefix = TONE_PREFIX[tone];
  const chunks: string[] = [];
  let rest = text;
  do {
    const piece = escapedPrefix(rest, LIMITS.text - (chunks.length ? 0 : prefix.length));
    chunks.push(`${chunks.length ? '' : prefix}${piece.escaped}`);
    rest = piece.rest;
  } while (rest);
  if (tone === 'muted') return chunks.map((c) => ({ type: 'context', elements: [md(c)] }));
  return chunks.map((c) => ({ type: 'section', text: md(c) }));
}

function button(action: ButtonAction, index: number): Button {
  return {
    type: 'button',
    action_id: `${action.actionId}:${index}`,
    text: { type: 'plain_text', text: cut(action.label, LIMITS.buttonText), emoji: true },
    value: action.value.slice(0, LIMITS.buttonValue),
    ...(action.style ? { style: action.style } : {}),
  };
}

function actions(list: ButtonAction[]): ActionsBlock[] {
  const blocks: ActionsBlock[] = [];
  for (let i = 0; i < list.length; i += LIMITS.actions) {
    blocks.push({ type: 'actions', elements: list.slice(i, i + LIMITS.actions).map((a, j) => button(a, i + j)) });
  }
  return blocks;
}

const FENCE = '```';

/**
 * A table as monospaced text: Block Kit has no table for bots. Columns are padded on the text
 * as shown; sections are cut on the escaped text Slack counts. A backtick in a cell would close
 * the code block, so it is shown as a look-alike.
 */
function table(block: Extract<Block, { type: 'table' }>): SectionBlock[] {
  const all = [block.columns.map((c) => c.label), ...block.rows, ...(block.footer ? [block.footer] : [])].map((r) =>
    r.map((v) => (v ?? '').replace(/`/g, 'ˋ')),
  );
  const widths = block.columns.map((_, i) => Math.min(28, Math.max(...all.map((r) => (r[i] ?? '').length))));
  const line = (r: string[]) =>
    escape(
      r
        .map((v, i) => {
          const text = cut(v ?? '', widths[i] as number);
          return block.columns[i]?.align === 'right' ? text.padStart(widths[i] as number) : text.padEnd(widths[i] as number);
        })
        .join('  ')
        .trimEnd(),
    );
  const room = LIMITS.text - 2 * FENCE.length;
  const sections: SectionBlock[] = [];
  let current: string[] = [];
  const flush = () => {
    if (current.length) sections.push({ type: 'section', text: md(`${FENCE}${current.join('\n')}${FENCE}`) });
    current = [];
  };
  for (const l of all.map(line)) {
    const text = l.length > room ? l.slice(0, room) : l;
    if (current.length && current.join('\n').length + 1 + text.length > room) flush();
    current.push(text);
  }
  flush();
  return sections;
}

export function toBlocks(view: View, maxBlocks = LIMITS.blocks): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  if (view.title) blocks.push({ type: 'header', text: { type: 'plain_text', text: cut(view.title, LIMITS.header), emoji: true } });
  for (const block of view.blocks) {
    switch (block.type) {
      case 'text':
        blocks.push(...mrkdwn(block.text, block.tone));
        break;
      case 'heading':
        blocks.push({ type: 'section', text: md(`*${cutEscaped(block.text, LIMITS.text - 2)}*`) });
        break;
      case 'fields':
        for (let i = 0; i < block.fields.length; i += LIMITS.fields) {
          blocks.push({
            type: 'section',
            fields: block.fields.slice(i, i + LIMITS.fields).map((f) => {
              const label = cutEscaped(f.label, LIMITS.fieldText / 2 - 3);
              return md(`*${label}*\n${cutEscaped(f.value, LIMITS.fieldText - label.length - 3)}`);
            }),
          });
        }
        break;
      case 'table':
        blocks.push(...table(block));
        break;
      case 'actions':
        blocks.push(...actions(block.actions));
        break;
      case 'item': {
        const status = block.status ? `\n_${cutEscaped(block.status, 200)}_` : '';
        blocks.push({ type: 'section', text: md(`${cutEscaped(block.text, LIMITS.text - status.length)}${status}`) });
        if (block.actions.length) blocks.push(...actions(block.actions));
        break;
      }
      case 'divider':
        blocks.push({ type: 'divider' });
        break;
      case 'image':
      case 'file':
        // Sent as files (files.uploadV2): Block Kit images need a public URL.
        break;
    }
  }
  if (blocks.length > maxBlocks) return [...blocks.slice(0, maxBlocks - 1), { type: 'context', elements: [md('…')] }];
  return blocks;
}

/**
 * The notification text Slack shows where blocks cannot be (and reads to screen readers). It is
 * mrkdwn too: a name such as `<!channel>` would otherwise notify everyone.
 */
export function fallbackText(view: View): string {
  return cutEscaped(view.summary, LIMITS.text);
}

export function toModal(form: FormView, errorNote?: string): ModalView {
  return {
    type: 'modal',
    callback_id: form.formId,
    private_metadata: form.state,
    title: { type: 'plain_text', text: cut(form.title, LIMITS.modalTitle) },
    submit: { type: 'plain_text', text: cut(form.submitLabel, LIMITS.modalTitle) },
    close: { type: 'plain_text', text: cut(form.cancelLabel, LIMITS.modalTitle) },
    blocks: [
      ...(form.intro ? [{ type: 'context' as const, elements: [md(cutEscaped(form.intro, LIMITS.text))] }] : []),
      ...(errorNote ? [{ type: 'section' as const, text: md(`:x: ${cutEscaped(errorNote, LIMITS.text - 4)}`) }] : []),
      ...form.fields.map((field) => ({
        type: 'input' as const,
        block_id: field.id,
        optional: true,
        label: { type: 'plain_text' as const, text: cut(field.label, 2000) },
        ...(field.hint ? { hint: { type: 'plain_text' as const, text: cut(field.hint, 2000) } } : {}),
        element: {
          type: 'plain_text_input' as const,
          action_id: 'value',
          ...(field.value ? { initial_value: field.value } : {}),
          ...(field.placeholder ? { placeholder: { type: 'plain_text' as const, text: cut(field.placeholder, 150) } } : {}),
          ...(field.maxLength ? { max_length: field.maxLength } : {}),
          multiline: Boolean(field.multiline),
        },
      })),
    ],
  };
}

/** A modal that shows a view (after saving): read-only, with a close button. */
export function viewModal(view: View, closeLabel: string): ModalView {
  return {
    type: 'modal',
    title: { type: 'plain_text', text: cut(view.title ?? view.summary, LIMITS.modalTitle) },
    close: { type: 'plain_text', text: cut(closeLabel, LIMITS.modalTitle) },
    blocks: toBlocks({ ...view, title: undefined }, LIMITS.surfaceBlocks).filter((b) => b.type !== 'actions'),
  };
}

/** Reads `view.state.values` ({block_id: {action_id: {value}}}) into {fieldId: text}. */
export function formValues(state: unknown): Record<string, string> {
  const values: Record<string, string> = {};
  if (!state || typeof state !== 'object') return values;
  for (const [blockId, inputs] of Object.entries(state as Record<string, unknown>)) {
    const input = (inputs as Record<string, { value?: unknown }> | undefined)?.value;
    if (typeof input?.value === 'string') values[blockId] = input.value;
    else values[blockId] = '';
  }
  return values;
}
