import { Type } from 'typebox';

/** A schema that also accepts null: how the API says "not known" or "not set". */
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
