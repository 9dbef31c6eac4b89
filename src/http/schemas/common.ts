import { Type, type Static } from 'typebox';

/** RFC 9457 problem document, as every error of the API is rendered. */
export const Problem = Type.Object(
  {
    type: Type.String({ description: 'Problem type URI' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String({ description: 'Stable AR_ERR_* code' }),
    instance: Type.Optional(Type.String()),
  },
  { additionalProperties: true, $id: 'Problem', description: 'application/problem+json' },
);
export type ProblemT = Static<typeof Problem>;

export const ProblemRef = Type.Ref('Problem');

/** The usual error answers of an authenticated route. */
export const errorResponses = {
  400: ProblemRef,
  401: ProblemRef,
  403: ProblemRef,
  404: ProblemRef,
  429: ProblemRef,
};

export const JobInfoSchema = Type.Object({
  id: Type.String(),
  type: Type.String(),
  state: Type.Union([
    Type.Literal('waiting'), Type.Literal('active'), Type.Literal('completed'),
    Type.Literal('failed'), Type.Literal('cancelled'),
  ]),
  progress: Type.Number({ minimum: 0, maximum: 1 }),
  message: Type.Union([Type.String(), Type.Null()]),
  result: Type.Unknown(),
  error: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }, { additionalProperties: true }), Type.Null()]),
  attempts: Type.Integer(),
  createdAt: Type.String(),
  startedAt: Type.Union([Type.String(), Type.Null()]),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
});
