/*
 * The Adaptive Card 1.5 elements the bot sends, as types: a card that uses an element, a
 * property or a value outside this model fails the type check. Only what Teams renders:
 *  - text goes in RichTextBlock/TextRun, which never reads markdown (TextBlock and FactSet
 *    would turn a user's `[text](url)` into a link);
 *  - no `style` on actions: Teams draws positive and destructive buttons like any other;
 *  - links and images are HTTPS (or an inline data: image), as Teams requires.
 * Types, not interfaces, so that a card is assignable to botframework-schema's
 * `Record<string, unknown>` (an invoke response's value).
 */

export type Spacing = 'None' | 'Small' | 'Default' | 'Medium' | 'Large' | 'ExtraLarge' | 'Padding';
export type TextColor = 'Default' | 'Dark' | 'Light' | 'Accent' | 'Good' | 'Warning' | 'Attention';
export type TextSize = 'Small' | 'Default' | 'Medium' | 'Large' | 'ExtraLarge';
export type TextWeight = 'Lighter' | 'Default' | 'Bolder';
export type HorizontalAlignment = 'Left' | 'Center' | 'Right';
export type HttpsUrl = `https://${string}`;
/** Loopback http, for local trials with the Bot Framework Emulator on the same machine. */
export type LoopbackUrl = `http://127.0.0.1${string}` | `http://localhost${string}` | `http://[::1]${string}`;

type ElementBase = {
  id?: string;
  spacing?: Spacing;
  separator?: boolean;
};

export type TextRun = {
  type: 'TextRun';
  text: string;
  color?: TextColor;
  isSubtle?: boolean;
  size?: TextSize;
  weight?: TextWeight;
  italic?: boolean;
};

export type RichTextBlock = ElementBase & {
  type: 'RichTextBlock';
  inlines: TextRun[];
  horizontalAlignment?: HorizontalAlignment;
};

export type Column = {
  type: 'Column';
  width?: 'auto' | 'stretch' | number;
  items: CardElement[];
};

export type ColumnSet = ElementBase & { type: 'ColumnSet'; columns: Column[] };

export type Container = ElementBase & { type: 'Container'; items: CardElement[] };

export type Image = ElementBase & {
  type: 'Image';
  url: HttpsUrl | `data:image/png;base64,${string}`;
  altText: string;
  size?: 'Auto' | 'Stretch' | 'Small' | 'Medium' | 'Large';
};

export type InputText = ElementBase & {
  type: 'Input.Text';
  id: string;
  label?: string;
  value?: string;
  placeholder?: string;
  maxLength?: number;
  isMultiline?: boolean;
};

/** What the bot gets back when a button or a form is used. */
export type ExecuteData = {
  actionId?: string;
  value?: string;
  formId?: string;
  state?: string;
};

export type ActionExecute = { type: 'Action.Execute'; title: string; verb: string; data: ExecuteData };
export type ActionOpenUrl = { type: 'Action.OpenUrl'; title: string; url: HttpsUrl | LoopbackUrl };
export type CardAction = ActionExecute | ActionOpenUrl;

export type ActionSet = ElementBase & { type: 'ActionSet'; actions: CardAction[] };

export type CardElement = RichTextBlock | ColumnSet | Container | Image | InputText | ActionSet;

export type AdaptiveCard = {
  type: 'AdaptiveCard';
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
  version: '1.5';
  body: CardElement[];
  actions?: CardAction[];
  /** Teams' own extension: the card takes the chat's full width. */
  msteams?: { width: 'full' };
};
