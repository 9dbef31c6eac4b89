// Static vocabularies of the demo platform: where customers are, what they do,
// how they are named. Weights are rough shares of a North American B2B ledger.
import type { Random } from './rng.js';

export const COUNTRIES: ReadonlyArray<readonly [string, number]> = [
  ['US', 0.71],
  ['CA', 0.19],
  ['MX', 0.06],
  ['FR', 0.02],
  ['GB', 0.01],
  ['DE', 0.01],
];

export const TIMEZONES: Record<string, ReadonlyArray<readonly [string, number]>> = {
  US: [
    ['America/New_York', 0.45],
    ['America/Chicago', 0.29],
    ['America/Denver', 0.07],
    ['America/Phoenix', 0.03],
    ['America/Los_Angeles', 0.16],
  ],
  CA: [
    ['America/Toronto', 0.5],
    ['America/Montreal', 0.2],
    ['America/Vancouver', 0.15],
    ['America/Edmonton', 0.08],
    ['America/Winnipeg', 0.04],
    ['America/Halifax', 0.03],
  ],
  MX: [
    ['America/Mexico_City', 0.75],
    ['America/Monterrey', 0.15],
    ['America/Tijuana', 0.1],
  ],
  FR: [['Europe/Paris', 1]],
  GB: [['Europe/London', 1]],
  DE: [['Europe/Berlin', 1]],
};

export const PHONE_PREFIX: Record<string, string> = { US: '+1', CA: '+1', MX: '+52', FR: '+33', GB: '+44', DE: '+49' };

export const SECTORS: ReadonlyArray<readonly [string, number]> = [
  ['Manufacturing', 0.2],
  ['Wholesale distribution', 0.13],
  ['Retail', 0.1],
  ['Construction', 0.1],
  ['Transportation & logistics', 0.08],
  ['Healthcare', 0.08],
  ['Energy & utilities', 0.06],
  ['IT services', 0.07],
  ['Food & beverage', 0.07],
  ['Automotive', 0.05],
  ['Telecommunications', 0.03],
  ['Hospitality', 0.03],
];

/** Public-sector buyers: slower, steadier payers on longer terms. */
export const PUBLIC_SECTORS: ReadonlyArray<readonly [string, number]> = [
  ['Public administration', 0.5],
  ['Education', 0.3],
  ['Healthcare', 0.2],
];

export const BUSINESS_LINES: ReadonlyArray<readonly [string, number]> = [
  ['Industrial equipment', 0.3],
  ['Spare parts', 0.25],
  ['Maintenance services', 0.25],
  ['Software subscriptions', 0.12],
  ['Training & consulting', 0.08],
];

const NAME_FIRST = [
  'Atlas', 'Beacon', 'Cedar', 'Summit', 'Harbor', 'Pioneer', 'Granite', 'Maple', 'Northern', 'Pacific', 'Prairie',
  'Silver', 'Redwood', 'Evergreen', 'Liberty', 'Frontier', 'Lakeside', 'Crescent', 'Ironwood', 'Bluewater', 'Keystone',
  'Sterling', 'Horizon', 'Canyon', 'Riverbend', 'Oakridge', 'Falcon', 'Meridian', 'Northstar', 'Copper', 'Westfield',
  'Eastgate', 'Highland', 'Golden', 'Delta', 'Vertex', 'Apex', 'Union', 'Bayview', 'Stonebridge', 'Clearwater',
];
const NAME_SECOND = [
  'Industries', 'Logistics', 'Manufacturing', 'Supply', 'Foods', 'Builders', 'Systems', 'Energy', 'Health', 'Motors',
  'Distribution', 'Technologies', 'Materials', 'Equipment', 'Services', 'Trading', 'Solutions', 'Fabrication', 'Retail',
  'Networks', 'Holdings', 'Partners', 'Works', 'Construction', 'Transport',
];
const SUFFIX: Record<string, readonly string[]> = {
  US: ['Inc.', 'LLC', 'Corp.', 'Co.'],
  CA: ['Inc.', 'Ltd.', 'Corp.', 'Ltée'],
  MX: ['S.A. de C.V.', 'S. de R.L.'],
  FR: ['SAS', 'SA', 'SARL'],
  GB: ['Ltd', 'plc'],
  DE: ['GmbH', 'AG'],
};
const PLACES: Record<string, readonly string[]> = {
  US: ['Springfield', 'Columbus', 'Austin', 'Denver', 'Sacramento', 'Albany', 'Madison', 'Raleigh', 'Tucson', 'Omaha'],
  CA: ['Ontario', 'Québec', 'Laval', 'Ottawa', 'Calgary', 'Winnipeg', 'Halifax', 'Surrey'],
  MX: ['Monterrey', 'Guadalajara', 'Puebla', 'Querétaro'],
  FR: ['Lyon', 'Nantes', 'Lille', 'Bordeaux'],
  GB: ['Leeds', 'Bristol'],
  DE: ['Köln', 'Hamburg'],
};
const PUBLIC_PATTERN = ['City of {p}', '{p} County', '{p} School District', 'University of {p}', '{p} Regional Hospital', '{p} Transit Authority'];

export function companyName(rng: Random, country: string, isPublic: boolean): string {
  if (isPublic) {
    return rng.pick(PUBLIC_PATTERN).replace('{p}', rng.pick(PLACES[country] ?? PLACES.US));
  }
  return `${rng.pick(NAME_FIRST)} ${rng.pick(NAME_SECOND)} ${rng.pick(SUFFIX[country] ?? SUFFIX.US)}`;
}

export function domainOf(name: string, country: string, customerNumber: number): string {
  const slug = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\b(inc|llc|corp|co|ltd|ltee|sa|de|cv|sas|sarl|plc|gmbh|ag|r\.l)\b\.?/g, '')
    .replace(/[^a-z0-9]+/g, '');
  const tld = country === 'US' ? 'com' : country === 'GB' ? 'co.uk' : country.toLowerCase();
  // The customer number keeps domains unique when two companies share a name.
  return `${slug}${customerNumber % 1000}.${tld}`;
}

export const FIRST_NAMES = ['Emily', 'James', 'Olivia', 'Michael', 'Sophie', 'Daniel', 'Chloé', 'Lucas', 'María', 'Carlos', 'Grace', 'Ethan', 'Camille', 'Noah', 'Ava', 'Julien'];
export const LAST_NAMES = ['Smith', 'Johnson', 'Tremblay', 'Gagnon', 'García', 'Martínez', 'Brown', 'Wilson', 'Roy', 'Dubois', 'Lee', 'Nguyen', 'Taylor', 'Clark'];

export const SALES_REPS = ['Jordan Ellis', 'Priya Raman', 'Marc Lavoie', 'Sofía Herrera', 'Tom Becker', 'Nadia Cole'];
export const ADV = ['Order desk East', 'Order desk West', 'Order desk Canada', 'Order desk International'];

export const DISPUTE_REASONS: ReadonlyArray<readonly [string, string]> = [
  ['Quantity delivered differs from invoice', 'logistics'],
  ['Price does not match the quote', 'sales'],
  ['Goods damaged on arrival', 'logistics'],
  ['Missing purchase order number', 'billing'],
  ['Service not performed as agreed', 'customer service'],
  ['Invoice sent to the wrong entity', 'billing'],
  ['Duplicate invoice', 'billing'],
];
