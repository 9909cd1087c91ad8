import { toBlocks } from '../../adapters/slack/blocks';
import type { View } from '../../src/views/views';
import { typeErrors } from './typecheck';

/** Block Kit's limits hold for the text Slack receives, after `&`, `<` and `>` become entities. */
describe('a long table of names full of & < >', () => {
  const view: View = {
    summary: 'Rapport & <co>',
    blocks: [
      {
        type: 'table',
        columns: [{ label: 'Nom' }, { label: 'Privé (km)', align: 'right' }],
        rows: Array.from({ length: 300 }, (_, i) => [`<&> Dupont & Fils <${i}> \`\`\``, String(i)]),
      },
    ],
  };

  it('is cut into sections of at most 3,000 characters as Slack counts them', () => {
    const sections = toBlocks(view).filter((b) => b.type === 'section');
    expect(sections.length).toBeGreaterThan(1);
    for (const section of sections) expect((section as { text: { text: string } }).text.text.length).toBeLessThanOrEqual(3000);
  });

  it('keeps every row inside its code block (a backtick in a name cannot close it)', () => {
    for (const section of toBlocks(view).filter((b) => b.type === 'section')) {
      const text = (section as { text: { text: string } }).text.text;
      expect(text.startsWith('```') && text.endsWith('```')).toBe(true);
      expect(text.slice(3, -3)).not.toContain('```');
    }
  });

  it('type-checks as KnownBlock[]', () => {
    expect(typeErrors(["import type { KnownBlock } from '@slack/types';"], [{ label: 'table', type: 'KnownBlock[]', value: toBlocks(view) }])).toEqual([]);
  });
});
