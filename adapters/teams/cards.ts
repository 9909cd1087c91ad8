import type { Block, ButtonAction, FormView, Tone, View } from '../../src/views/views';
import type {
  ActionExecute,
  ActionOpenUrl,
  AdaptiveCard,
  CardAction,
  CardElement,
  ColumnSet,
  ExecuteData,
  HttpsUrl,
  LoopbackUrl,
  RichTextBlock,
  TextColor,
  TextRun,
} from './adaptive-card';

/*
 * Views to Adaptive Cards 1.5, with only elements Teams renders (see adaptive-card.ts). Every
 * text goes in a TextRun, which Teams shows as typed: a name or a description written by a
 * user can never become a link or formatting. Buttons use Action.Execute (universal actions):
 * the bot answers the invoke with the card that replaces it.
 */

export type Card = AdaptiveCard;
export type { CardElement, ExecuteData };

export const CARD_VERSION = '1.5';
export const CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

const COLOR: Record<Tone, TextColor | undefined> = { normal: undefined, muted: undefined, success: 'Good', warning: 'Warning', error: 'Attention' };

type RunStyle = Omit<TextRun, 'type' | 'text'>;

function run(text: string, tone: Tone = 'normal', style: RunStyle = {}): TextRun {
  return { type: 'TextRun', text, ...(COLOR[tone] ? { color: COLOR[tone] } : {}), ...(tone === 'muted' ? { isSubtle: true } : {}), ...style };
}

function text(value: string, tone: Tone = 'normal', style: RunStyle = {}, block: Omit<RichTextBlock, 'type' | 'inlines'> = {}): RichTextBlock {
  return { type: 'RichTextBlock', inlines: [run(value, tone, style)], ...block };
}

/*
 * Teams draws every button alike (it ignores `style: positive | destructive`): what a button
 * does is said by its label, and the view puts the main action first.
 */
function execute(action: ButtonAction): ActionExecute {
  return { type: 'Action.Execute', title: action.label, verb: action.actionId, data: { actionId: action.actionId, value: action.value } };
}

function columns(cells: string[], header: boolean, aligns: ('left' | 'right' | undefined)[]): ColumnSet {
  return {
    type: 'ColumnSet',
    columns: cells.map((cell, i) => ({
      type: 'Column',
      width: i === 0 ? 'stretch' : 'auto',
      items: [text(cell, 'normal', header ? { weight: 'Bolder' } : {}, { horizontalAlignment: aligns[i] === 'right' ? 'Right' : 'Left' })],
    })),
  };
}

/** A label and its value on one line (FactSet would read its values as markdown). */
function fact(label: string, value: string): ColumnSet {
  return {
    type: 'ColumnSet',
    spacing: 'Small',
    columns: [
      { type: 'Column', width: 'auto', items: [text(label, 'normal', { weight: 'Bolder' })] },
      { type: 'Column', width: 'stretch', items: [text(value)] },
    ],
  };
}

/**
 * Teams opens HTTPS links only. A loopback http link is kept for local trials (the Bot
 * Framework Emulator on the same machine); any other link is left out.
 */
function linkable(url: string | undefined): HttpsUrl | LoopbackUrl | undefined {
  if (!url) return undefined;
  if (url.startsWith('https://')) return url as HttpsUrl;
  if (/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(url)) return url as LoopbackUrl;
  return undefined;
}

export interface CardOptions {
  /** Turns a file block into a link: where the file can be downloaded from. */
  fileUrl?: (block: Extract<Block, { type: 'file' }>) => string | undefined;
}

function card(body: CardElement[], actions: CardAction[] = []): Card {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: CARD_VERSION,
    body,
    ...(actions.length ? { actions } : {}),
    msteams: { width: 'full' },
  };
}

export function toCard(view: View, options: CardOptions = {}): Card {
  const body: CardElement[] = [];
  const actions: ActionOpenUrl[] = [];
  if (view.title) body.push(text(view.title, 'normal', { size: 'Medium', weight: 'Bolder' }));
  for (const block of view.blocks) {
    switch (block.type) {
      case 'text':
        body.push(text(block.text, block.tone));
        break;
      case 'heading':
        body.push(text(block.text, 'normal', { weight: 'Bolder' }, { spacing: 'Medium' }));
        break;
      case 'fields':
        body.push(...block.fields.map((f) => fact(f.label, f.value)));
        break;
      case 'table': {
        const aligns = block.columns.map((c) => c.align);
        body.push(
          columns(
            block.columns.map((c) => c.label),
            true,
            aligns,
          ),
          ...block.rows.map((r) => columns(r, false, aligns)),
        );
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
            ...(block.actions.length ? [{ type: 'ActionSet' as const, actions: block.actions.map(execute) }] : []),
          ],
        });
        break;
      case 'image':
        body.push({ type: 'Image', url: `data:image/png;base64,${block.png.toString('base64')}`, altText: block.alt, size: 'Stretch' });
        break;
      case 'file': {
        const url = linkable(options.fileUrl?.(block));
        if (url) actions.push({ type: 'Action.OpenUrl', title: block.title, url });
        break;
      }
      case 'divider':
        body.push({ type: 'Container', separator: true, items: [] });
        break;
    }
  }
  return card(body, actions);
}

export function formCard(form: FormView, errors: Record<string, string> = {}): Card {
  const body: CardElement[] = [text(form.title, 'normal', { size: 'Medium', weight: 'Bolder' })];
  if (form.intro) body.push(text(form.intro, 'muted'));
  for (const field of form.fields) {
    body.push({
      type: 'Input.Text',
      id: field.id,
      label: field.label,
      value: field.value,
      ...(field.placeholder ? { placeholder: field.placeholder } : {}),
      ...(field.maxLength ? { maxLength: field.maxLength } : {}),
      isMultiline: Boolean(field.multiline),
    });
    const error = errors[field.id] ?? field.error;
    if (error) body.push(text(error, 'error', { size: 'Small' }, { spacing: 'None' }));
  }
  return card(body, [{ type: 'Action.Execute', title: form.submitLabel, verb: form.formId, data: { formId: form.formId, state: form.state } }]);
}
