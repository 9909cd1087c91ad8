import type { Block, ButtonAction, FormView, Tone, View } from '../../src/views/views';

/*
 * Views to Adaptive Cards 1.5, with only elements Teams renders: TextBlock, FactSet, ColumnSet,
 * Container, Image, ActionSet, Input.Text, Action.Execute and Action.OpenUrl. Buttons use
 * Action.Execute (universal actions): the bot answers the invoke with the card that replaces it.
 */

export type Card = Record<string, unknown>;
export type CardElement = Record<string, unknown>;

export const CARD_VERSION = '1.5';
export const CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

const COLOR: Record<Tone, string | undefined> = { normal: undefined, muted: undefined, success: 'Good', warning: 'Warning', error: 'Attention' };

/** What the bot gets back when a button or a form is used. */
export interface ExecuteData {
  actionId?: string;
  value?: string;
  formId?: string;
  state?: string;
}

function text(value: string, tone: Tone = 'normal', extra: CardElement = {}): CardElement {
  return { type: 'TextBlock', text: value, wrap: true, ...(COLOR[tone] ? { color: COLOR[tone] } : {}), ...(tone === 'muted' ? { isSubtle: true } : {}), ...extra };
}

function execute(action: ButtonAction): CardElement {
  return {
    type: 'Action.Execute',
    title: action.label,
    verb: action.actionId,
    data: { actionId: action.actionId, value: action.value } satisfies ExecuteData,
    ...(action.style === 'primary' ? { style: 'positive' } : action.style === 'danger' ? { style: 'destructive' } : {}),
  };
}

function columns(cells: string[], header: boolean, aligns: ('left' | 'right' | undefined)[]): CardElement {
  return {
    type: 'ColumnSet',
    columns: cells.map((cell, i) => ({
      type: 'Column',
      width: i === 0 ? 'stretch' : 'auto',
      items: [{ type: 'TextBlock', text: cell, wrap: true, weight: header ? 'Bolder' : 'Default', horizontalAlignment: aligns[i] === 'right' ? 'Right' : 'Left' }],
    })),
  };
}

export interface CardOptions {
  /** Turns a file block into a link: where the file can be downloaded from. */
  fileUrl?: (block: Extract<Block, { type: 'file' }>) => string | undefined;
}

export function toCard(view: View, options: CardOptions = {}): Card {
  const body: CardElement[] = [];
  const actions: CardElement[] = [];
  if (view.title) body.push(text(view.title, 'normal', { size: 'Medium', weight: 'Bolder' }));
  for (const block of view.blocks) {
    switch (block.type) {
      case 'text':
        body.push(text(block.text, block.tone));
        break;
      case 'heading':
        body.push(text(block.text, 'normal', { weight: 'Bolder', spacing: 'Medium' }));
        break;
      case 'fields':
        body.push({ type: 'FactSet', facts: block.fields.map((f) => ({ title: f.label, value: f.value })) });
        break;
      case 'table': {
        const aligns = block.columns.map((c) => c.align);
        body.push(columns(block.columns.map((c) => c.label), true, aligns), ...block.rows.map((r) => columns(r, false, aligns)));
        if (block.footer) body.push({ ...columns(block.footer, true, aligns), separator: true });
        break;
      }
      case 'actions':
        body.push({ type: 'ActionSet', actions: block.actions.map(execute) });
        break;
      case 'item':
        body.push({
          type: 'Container',
          separator: true,
          items: [
            text(block.text),
            ...(block.status ? [text(block.status, block.tone ?? 'muted', { size: 'Small' })] : []),
            ...(block.actions.length ? [{ type: 'ActionSet', actions: block.actions.map(execute) }] : []),
          ],
        });
        break;
      case 'image':
        body.push({ type: 'Image', url: `data:image/png;base64,${block.png.toString('base64')}`, altText: block.alt, size: 'Stretch' });
        break;
      case 'file': {
        const url = options.fileUrl?.(block);
        if (url) actions.push({ type: 'Action.OpenUrl', title: block.title, url });
        break;
      }
      case 'divider':
        body.push({ type: 'Container', separator: true, items: [] });
        break;
    }
  }
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: CARD_VERSION,
    body,
    ...(actions.length ? { actions } : {}),
    msteams: { width: 'Full' },
  };
}

export function formCard(form: FormView, errors: Record<string, string> = {}): Card {
  const body: CardElement[] = [text(form.title, 'normal', { size: 'Medium', weight: 'Bolder' })];
  if (form.intro) body.push(text(form.intro, 'muted'));
  for (const field of form.fields) {
    body.push({ type: 'Input.Text', id: field.id, label: field.label, value: field.value, ...(field.placeholder ? { placeholder: field.placeholder } : {}), ...(field.maxLength ? { maxLength: field.maxLength } : {}), isMultiline: Boolean(field.multiline) });
    const error = errors[field.id] ?? field.error;
    if (error) body.push(text(error, 'error', { size: 'Small', spacing: 'None' }));
  }
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: CARD_VERSION,
    body,
    actions: [{ type: 'Action.Execute', title: form.submitLabel, verb: form.formId, style: 'positive', data: { formId: form.formId, state: form.state } satisfies ExecuteData }],
    msteams: { width: 'Full' },
  };
}
