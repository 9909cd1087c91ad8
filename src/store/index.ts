export type { PromptWithAnswers } from './prompts';
export type * from './schema';
export * from './store';
