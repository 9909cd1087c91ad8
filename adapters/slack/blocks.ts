import type { Block, ButtonAction, FormView, Tone, View } from '../../src/views/views';

/*
 * Views to Block Kit, within Block Kit's limits: 50 blocks a message (100 in a modal or App
 * Home), 3,000 characters a text, 10 fields a section, 25 elements an actions block, 75
 * characters a button label, 2,000 a button value, unique action_ids within a block.
 */

export type SlackBlock = Record<string, unknown>;

export const LIMITS = { blocks: 50, surfaceBlocks: 100, text: 3000, fields: 10, fieldText: 2000, actions: 25, buttonText: 75, buttonValue: 2000, header: 150, modalTitle: 24 };

/** Slack's three control characters in mrkdwn text. */
export function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const TONE_PREFIX: Record<Tone, string> = { normal: '', muted: '', success: ':white_check_mark: ', warning: ':warning: ', error: ':x: ' };

function mrkdwn(text: string, tone: Tone = 'normal'): SlackBlock[] {
  const body = `${TONE_PREFIX[tone]}${escape(text)}`;
  const chunks: string[] = [];
  for (let i = 0; i < body.length; i += LIMITS.text) chunks.push(body.slice(i, i + LIMITS.text));
  if (tone === 'muted') return chunks.map((c) => ({ type: 'context', elements: [{ type: 'mrkdwn', text: c }] }));
  return chunks.map((c) => ({ type: 'section', text: { type: 'mrkdwn', text: c } }));
}

function button(action: ButtonAction, index: number): SlackBlock {
  return {
    type: 'button',
    action_id: `${action.actionId}:${index}`,
    text: { type: 'plain_text', text: cut(action.label, LIMITS.buttonText), emoji: true },
    value: action.value.slice(0, LIMITS.buttonValue),
    ...(action.style ? { style: action.style } : {}),
  };
}

function actions(list: ButtonAction[]): SlackBlock[] {
  const blocks: SlackBlock[] = [];
  for (let i = 0; i < list.length; i += LIMITS.actions) {
    blocks.push({ type: 'actions', elements: list.slice(i, i + LIMITS.actions).map((a, j) => button(a, i + j)) });
  }
  return blocks;
}

/** A table as monospaced text: Block Kit has no table for bots. Wide tables are cut into sections. */
function table(block: Extract<Block, { type: 'table' }>): SlackBlock[] {
  const all = [block.columns.map((c) => c.label), ...block.rows, ...(block.footer ? [block.footer] : [])];
  const widths = block.columns.map((_, i) => Math.min(28, Math.max(...all.map((r) => (r[i] ?? '').length))));
  const line = (r: string[]) => r.map((v, i) => {
    const text = cut(v ?? '', widths[i] as number);
    return block.columns[i]?.align === 'right' ? text.padStart(widths[i] as number) : text.padEnd(widths[i] as number);
  }).join('  ').trimEnd();
  const lines = [line(all[0] as string[]), ...block.rows.map(line)];
  if (block.footer) lines.push(line(block.footer));
  const sections: SlackBlock[] = [];
  let current: string[] = [];
  for (const l of lines) {
    if ((current.join('\n').length + l.length + 8) > LIMITS.text) {
      sections.push({ type: 'section', text: { type: 'mrkdwn', text: `\`\`\`${escape(current.join('\n'))}\`\`\`` } });
      current = [];
    }
    current.push(l);
  }
  if (current.length) sections.push({ type: 'section', text: { type: 'mrkdwn', text: `\`\`\`${escape(current.join('\n'))}\`\`\`` } });
  return sections;
}

export function toBlocks(view: View, maxBlocks = LIMITS.blocks): SlackBlock[] {
  const blocks: SlackBlock[] = [];
  if (view.title) blocks.push({ type: 'header', text: { type: 'plain_text', text: cut(view.title, LIMITS.header), emoji: true } });
  for (const block of view.blocks) {
    switch (block.type) {
      case 'text':
        blocks.push(...mrkdwn(block.text, block.tone));
        break;
      case 'heading':
        blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*${cut(escape(block.text), LIMITS.text - 2)}*` } });
        break;
      case 'fields':
        for (let i = 0; i < block.fields.length; i += LIMITS.fields) {
          blocks.push({
            type: 'section',
            fields: block.fields.slice(i, i + LIMITS.fields).map((f) => ({ type: 'mrkdwn', text: cut(`*${escape(f.label)}*\n${escape(f.value)}`, LIMITS.fieldText) })),
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
        const status = block.status ? `\n_${escape(block.status)}_` : '';
        blocks.push({ type: 'section', text: { type: 'mrkdwn', text: cut(`${escape(block.text)}${status}`, LIMITS.text) } });
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
  if (blocks.length > maxBlocks) return [...blocks.slice(0, maxBlocks - 1), { type: 'context', elements: [{ type: 'mrkdwn', text: '…' }] }];
  return blocks;
}

/** The notification text Slack shows where blocks cannot be (and uses for screen readers). */
export function fallbackText(view: View): string {
  return cut(view.summary, LIMITS.text);
}

export function toModal(form: FormView, errorNote?: string): SlackBlock {
  return {
    type: 'modal',
    callback_id: form.formId,
    private_metadata: form.state,
    title: { type: 'plain_text', text: cut(form.title, LIMITS.modalTitle) },
    submit: { type: 'plain_text', text: cut(form.submitLabel, LIMITS.modalTitle) },
    close: { type: 'plain_text', text: cut(form.cancelLabel, LIMITS.modalTitle) },
    blocks: [
      ...(form.intro ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: escape(form.intro) }] }] : []),
      ...(errorNote ? [{ type: 'section', text: { type: 'mrkdwn', text: `:x: ${escape(errorNote)}` } }] : []),
      ...form.fields.map((field) => ({
        type: 'input',
        block_id: field.id,
        optional: true,
        label: { type: 'plain_text', text: cut(field.label, 2000) },
        ...(field.hint ? { hint: { type: 'plain_text', text: cut(field.hint, 2000) } } : {}),
        element: {
          type: 'plain_text_input',
          action_id: 'value',
          ...(field.value ? { initial_value: field.value } : {}),
          ...(field.placeholder ? { placeholder: { type: 'plain_text', text: cut(field.placeholder, 150) } } : {}),
          ...(field.maxLength ? { max_length: field.maxLength } : {}),
          multiline: Boolean(field.multiline),
        },
      })),
    ],
  };
}

/** A modal that shows a view (after saving): read-only, with a close button. */
export function viewModal(view: View, closeLabel: string): SlackBlock {
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
