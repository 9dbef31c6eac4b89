// The agenda as a file: the call list of a day (one row per account) or its
// tasks (one row per task), in the order a collector works through them, for
// a printed round of calls or a spreadsheet shared with sales. The same rows
// as the JSON answers, every one of them.
import type { CsvColumn, Table } from '../reports/csv.js';
import type { Account } from './accounts.js';
import { money } from './format.js';
import type { AgendaItem } from './read.js';

type Ranked<T> = T & { rank: number };

const ranked = <T>(rows: T[]): Ranked<T>[] => rows.map((r, i) => ({ ...r, rank: i + 1 }));
const joined = (values: string[]) => values.join('; ');

const ACCOUNT_COLUMNS: CsvColumn<Ranked<Account>>[] = [
  { header: 'rank', value: (a) => a.rank },
  { header: 'customer_external_id', value: (a) => a.customer.externalId },
  { header: 'customer_name', value: (a) => a.customer.name },
  { header: 'customer_segment', value: (a) => a.customer.segment },
  { header: 'collector', value: (a) => a.collector },
  { header: 'tasks', value: (a) => a.tasks },
  { header: 'late', value: (a) => a.late },
  { header: 'waiting_days', value: (a) => a.waitingDays },
  { header: 'topics', value: (a) => joined(a.topics) },
  { header: 'balance_currency', value: (a) => a.balances.currency },
  { header: 'open_amount', value: (a) => a.balances.open },
  { header: 'overdue_amount', value: (a) => a.balances.overdue },
  { header: 'other_currencies', value: (a) => joined(a.balances.others.map((b) => `${money(b.open, b.currency)} open, ${money(b.overdue, b.currency)} overdue`)) },
  { header: 'first_task', value: (a) => a.items[0].reason },
  { header: 'priority', value: (a) => Math.round(a.priority) },
];

const TASK_COLUMNS: CsvColumn<Ranked<AgendaItem>>[] = [
  { header: 'rank', value: (t) => t.rank },
  { header: 'due_date', value: (t) => t.dueDate, day: true },
  { header: 'state', value: (t) => t.state },
  { header: 'kind', value: (t) => t.kind },
  { header: 'type', value: (t) => t.type },
  { header: 'customer_external_id', value: (t) => t.customer.externalId },
  { header: 'customer_name', value: (t) => t.customer.name },
  { header: 'collector', value: (t) => t.collector },
  { header: 'amount_at_stake', value: (t) => t.amounts.atStake },
  { header: 'currency', value: (t) => t.amounts.currency },
  { header: 'invoices', value: (t) => joined(t.invoices.map((i) => i.number)) },
  { header: 'reason', value: (t) => t.reason },
  { header: 'action_id', value: (t) => t.id },
  { header: 'priority', value: (t) => Math.round(t.priority.score) },
];

export const accountsTable = (accounts: Account[]): Table<Ranked<Account>> => ({ columns: ACCOUNT_COLUMNS, rows: ranked(accounts) });
export const tasksTable = (tasks: AgendaItem[]): Table<Ranked<AgendaItem>> => ({ columns: TASK_COLUMNS, rows: ranked(tasks) });
