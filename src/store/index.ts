export type { OverviewRead, OverviewReadRows } from './people';
export type { PromptWithAnswers } from './prompts';
export type * from './schema';
export * from './store';
