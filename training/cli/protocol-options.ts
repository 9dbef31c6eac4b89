// The options of each fixed evaluation protocol, apart from its script:
// `npm run evaluate` checks them before it generates the default world (tens
// of seconds), which importing the script itself would start.
import type { ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

const world = { type: 'string' } as const;

export const PROTOCOL_OPTIONS = {
  driftWorld: { world, config: { type: 'string' }, window: { type: 'string', default: '2' } },
  sendTime: { world, 'holdout-months': { type: 'string', default: '6' } },
  incentives: { world, 'holdout-months': { type: 'string', default: '9' } },
} as const satisfies Record<string, Options>;
