// The agenda as a call list: one entry per customer, so a collector covers
// every open topic of an account in one conversation instead of calling the
// same customer about a dispute in the morning and its credit limit at noon.
import { daysBetween } from './dates.js';
import type { AgendaItem } from './read.js';
import type { CurrencyBalance, IsoDate } from './types.js';

export interface AccountTask {
  id: number | null;
  dedupeKey: string | null;
  state: AgendaItem['state'];
  origin: string;
  kind: string;
  type: string;
  dueDate: IsoDate;
  reason: string;
  priority: number;
}

export interface Account {
  customer: AgendaItem['customer'];
  collector: string | null;
  /** The highest of its tasks': the money at stake in one account is not added up across topics about it. */
  priority: number;
  tasks: number;
  /** Tasks due before the day. */
  late: number;
  /** How long the oldest task has waited, in days (0 when none is late). */
  waitingDays: number;
  /** Its tasks' kinds, the most pressing first, each once. */
  topics: string[];
  /** The customer's balances, in its balance currency, and what it owes in any other. */
  balances: { currency: string; open: number; overdue: number; others: CurrencyBalance[] };
  items: AccountTask[];
}

const taskOf = (i: AgendaItem): AccountTask => ({
  id: i.id, dedupeKey: i.dedupeKey, state: i.state, origin: i.origin, kind: i.kind, type: i.type,
  dueDate: i.dueDate, reason: i.reason, priority: i.priority.score,
});

const accountOrder = (a: Account, b: Account) =>
  b.priority - a.priority || b.tasks - a.tasks || a.customer.externalId.localeCompare(b.customer.externalId);

/** Groups tasks, already in priority order, by customer; accounts ranked by their most pressing task. */
export function byAccount(tasks: AgendaItem[], date: IsoDate): Account[] {
  const groups = new Map<string, AgendaItem[]>();
  for (const t of tasks) {
    const list = groups.get(t.customer.externalId);
    if (list) list.push(t);
    else groups.set(t.customer.externalId, [t]);
  }
  return [...groups.values()].map((items) => accountOf(items, date)).sort(accountOrder);
}

function accountOf(items: AgendaItem[], date: IsoDate): Account {
  const top = items[0];
  const oldest = items.reduce((d, i) => (i.dueDate < d ? i.dueDate : d), top.dueDate);
  return {
    customer: top.customer,
    collector: top.collector,
    priority: top.priority.score,
    tasks: items.length,
    late: items.filter((i) => i.dueDate < date).length,
    waitingDays: Math.max(0, daysBetween(oldest, date)),
    topics: [...new Set(items.map((i) => i.kind))],
    balances: {
      currency: top.amounts.balanceCurrency, open: top.amounts.customerOpen, overdue: top.amounts.customerOverdue,
      others: top.amounts.otherBalances,
    },
    items: items.map(taskOf),
  };
}
