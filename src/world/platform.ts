// The static set-up of the demo platform: collectors, dunning scenarios and
// customer groups as the brief's start-up strategy describes them.
import type { CollectorRow, CustomerGroupRow, DunningScenarioRow, Segment } from './types.js';

export const COLLECTORS: CollectorRow[] = [
  { externalId: 'COL-01', name: 'Alice Martin', email: 'alice.martin@mycompany-na.com', active: true },
  { externalId: 'COL-02', name: 'Brian Okafor', email: 'brian.okafor@mycompany-na.com', active: true },
  { externalId: 'COL-03', name: 'Carla Russo', email: 'carla.russo@mycompany-na.com', active: true },
  { externalId: 'COL-04', name: 'David Chen', email: 'david.chen@mycompany-na.com', active: true },
  { externalId: 'COL-05', name: 'Élise Bouchard', email: 'elise.bouchard@mycompany-na.com', active: true },
  { externalId: 'COL-06', name: 'Fernando Ruiz', email: 'fernando.ruiz@mycompany-na.com', active: true },
  { externalId: 'COL-07', name: 'Grace Miller', email: 'grace.miller@mycompany-na.com', active: true },
  { externalId: 'COL-08', name: 'Hannah Wright', email: 'hannah.wright@mycompany-na.com', active: false },
];

/** Who follows whom: the specialist takes strategic accounts, regions the rest. */
export function collectorFor(segment: Segment, timezone: string, country: string, customerIndex: number): string {
  if (segment === 'strategic') return 'COL-01';
  if (segment === 'small') return 'COL-07';
  if (country === 'CA') return 'COL-05';
  if (country !== 'US') return 'COL-06';
  if (timezone === 'America/New_York') return customerIndex % 2 === 0 ? 'COL-02' : 'COL-03';
  return 'COL-04';
}

export const DUNNING_SCENARIOS: DunningScenarioRow[] = [
  {
    externalId: 'DS-STANDARD',
    name: 'Standard',
    description: 'Standard and large customers with a contact email.',
    steps: [
      { dayOffset: -5, channel: 'email', level: 1, template: 'courtesy-reminder', automatic: true },
      { dayOffset: 3, channel: 'email', level: 1, template: 'first-reminder', automatic: true },
      { dayOffset: 12, channel: 'email', level: 2, template: 'second-reminder', automatic: true },
      { dayOffset: 20, channel: 'call', level: 3, template: 'collector-call', automatic: false },
      { dayOffset: 35, channel: 'letter', level: 4, template: 'formal-notice', automatic: false },
      { dayOffset: 50, channel: 'email', level: 5, template: 'final-notice', automatic: false },
    ],
  },
  {
    externalId: 'DS-STRATEGIC',
    name: 'Strategic',
    description: 'Same approach as standard, softer and more personal, for strategic accounts.',
    steps: [
      { dayOffset: -10, channel: 'email', level: 1, template: 'account-statement', automatic: true },
      { dayOffset: 5, channel: 'call', level: 2, template: 'relationship-call', automatic: false },
      { dayOffset: 15, channel: 'email', level: 2, template: 'personal-reminder', automatic: false },
      { dayOffset: 30, channel: 'call', level: 3, template: 'escalation-call', automatic: false },
      { dayOffset: 45, channel: 'letter', level: 4, template: 'formal-notice', automatic: false },
    ],
  },
  {
    externalId: 'DS-STANDARD-NO-EMAIL',
    name: 'Standard without email',
    description: 'Variant of the standard scenario for customers without a contact email: letters and calls.',
    steps: [
      { dayOffset: 5, channel: 'letter', level: 1, template: 'first-reminder-letter', automatic: true },
      { dayOffset: 15, channel: 'call', level: 2, template: 'collector-call', automatic: false },
      { dayOffset: 30, channel: 'letter', level: 3, template: 'second-reminder-letter', automatic: true },
      { dayOffset: 45, channel: 'call', level: 4, template: 'escalation-call', automatic: false },
      { dayOffset: 60, channel: 'letter', level: 5, template: 'formal-notice', automatic: false },
    ],
  },
  {
    externalId: 'DS-SMALL-AUTO',
    name: 'Small customers (automated)',
    description: 'Highly automated scenario for small customers.',
    steps: [
      { dayOffset: -3, channel: 'email', level: 1, template: 'courtesy-reminder', automatic: true },
      { dayOffset: 2, channel: 'email', level: 1, template: 'first-reminder', automatic: true },
      { dayOffset: 8, channel: 'email', level: 2, template: 'second-reminder', automatic: true },
      { dayOffset: 15, channel: 'sms', level: 2, template: 'sms-reminder', automatic: true },
      { dayOffset: 25, channel: 'email', level: 3, template: 'third-reminder', automatic: true },
      { dayOffset: 40, channel: 'letter', level: 4, template: 'formal-notice', automatic: true },
    ],
  },
  {
    externalId: 'DS-OLD-DELAYS',
    name: 'Old delays (no action)',
    description:
      'Customers with old non-qualified delays (> 30 days): no automatic action so as not to pollute the agenda; they return to their scenario once the old items are qualified.',
    steps: [],
  },
];

export function baseScenarioFor(segment: Segment, hasEmail: boolean): string {
  if (!hasEmail) return 'DS-STANDARD-NO-EMAIL';
  if (segment === 'strategic') return 'DS-STRATEGIC';
  if (segment === 'small') return 'DS-SMALL-AUTO';
  return 'DS-STANDARD';
}

export function scenarioById(id: string): DunningScenarioRow {
  const scenario = DUNNING_SCENARIOS.find((s) => s.externalId === id);
  if (!scenario) throw new Error(`unknown dunning scenario ${id}`);
  return scenario;
}

export const CUSTOMER_GROUPS: CustomerGroupRow[] = [
  { externalId: 'GRP-STRATEGIC', name: 'Strategic customers', description: 'Largest accounts by turnover.' },
  { externalId: 'GRP-RISKY', name: 'Risky customers', description: 'External risk score of 70 or more.' },
  { externalId: 'GRP-VERY-LATE', name: 'Very late customers', description: 'Open items more than 30 days overdue without a status.' },
  { externalId: 'GRP-SMALL', name: 'Small customers', description: 'Smallest accounts, automated follow-up.' },
  { externalId: 'GRP-NO-EMAIL', name: 'Customers without email', description: 'No contact email on file.' },
  { externalId: 'GRP-HIGH-STAKES', name: 'High-stakes accounts', description: 'Specialist portfolio: strategic accounts and risky ones with large outstanding.' },
];
