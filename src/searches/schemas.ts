// API shapes of saved searches (TypeBox: validated on input, documented in OpenAPI).
import { Type } from 'typebox';
import { Text } from '../http/schemas/common.js';

export const Criteria = Type.Unknown({
  description: 'JsonLogic over the customer fields of GET /v1/criteria/fields, e.g. {"and": [{"==": [{"var": "segment"}, "key"]}, {">": [{"var": "driftScore"}, 0.7]}]}',
});

export const SearchBody = Type.Object({
  name: Text(200),
  description: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
  criteria: Criteria,
}, { additionalProperties: false });

export const SavedSearchSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  criteria: Criteria,
  fields: Type.Array(Type.String(), { description: 'customer fields the criteria read' }),
  version: Type.Integer(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const SearchMatchesSchema = Type.Object({
  count: Type.Integer({ description: 'customers the search selects now' }),
  sample: Type.Array(Type.Object({}, { additionalProperties: true }), {
    description: 'the first customers (by id) with the fields the criteria read',
  }),
});

export const SearchResultsSchema = Type.Object({
  search: Type.Object({ id: Type.Integer(), name: Type.String(), version: Type.Integer() }),
  count: Type.Integer({ description: 'customers the search selects now, on every page' }),
  fields: Type.Array(Type.String(), { description: 'the fields of each item, in the files\' column order' }),
  items: Type.Array(Type.Object({}, { additionalProperties: true })),
  nextCursor: Type.Union([Type.Integer(), Type.Null()]),
});

export const SampleSize = Type.Integer({ minimum: 0, maximum: 100, default: 10 });
