// JSON schemas shared by the routes; the OpenAPI document is generated from them.
import { Type, type TSchema } from '@sinclair/typebox';

export const AttrValue = Type.Union([Type.String({ maxLength: 4096 }), Type.Number(), Type.Boolean()]);
export const Attrs = Type.Record(Type.String({ pattern: '^[a-z][a-z0-9_.-]{0,63}$' }), AttrValue, {
  description: 'Attribute name → string, number or boolean',
});
export const AttrsPatch = Type.Record(Type.String({ pattern: '^[a-z][a-z0-9_.-]{0,63}$' }), Type.Union([AttrValue, Type.Null()]), {
  description: 'Attributes to set; null removes one',
});
export const Name = Type.String({ minLength: 1, maxLength: 63 });
export const Mac = Type.String({ minLength: 12, maxLength: 17, description: 'aa:bb:cc:dd:ee:ff (other common spellings accepted)' });

/**
 * Attributes in responses: free-form for the serializer. A union per value would make fast-json-stringify
 * validate every value of every node (10,000 nodes: ~1 s); request bodies keep the strict `Attrs` schema.
 */
const AttrsOut = Type.Object({}, { additionalProperties: true, description: 'Attribute name → string, number or boolean' });

export const Node = Type.Object({
  name: Type.String(),
  macs: Type.Array(Type.String()),
  groups: Type.Array(Type.String()),
  bmc: Type.Union([Type.String(), Type.Null()]),
  attrs: AttrsOut,
  version: Type.Integer(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  effective: Type.Optional(AttrsOut),
  provenance: Type.Optional(
    Type.Object({}, { additionalProperties: true, description: 'attribute → { value, from: { kind: site|group|node, name? }, computed? }' }),
  ),
  absent: Type.Optional(
    Type.Object({}, { additionalProperties: true, description: 'computed attributes that give no value for this node, with the reason' }),
  ),
});

export const Group = Type.Object({
  name: Type.String(),
  attrs: AttrsOut,
  version: Type.Integer(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const Site = Type.Object({ attrs: AttrsOut, version: Type.Integer(), updatedAt: Type.String() });

export const Event = Type.Object({
  id: Type.Integer(),
  time: Type.String(),
  actor: Type.String(),
  node: Type.Union([Type.String(), Type.Null()]),
  kind: Type.String(),
  details: Type.Record(Type.String(), Type.Unknown()),
});

export const PageQuery = {
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, default: 100 })),
};

export const pageOf = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), total: Type.Integer(), offset: Type.Integer(), limit: Type.Integer() });

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
  },
  { additionalProperties: true },
);

/** Error responses every route may give, for the OpenAPI document. */
export const problemResponses = {
  '4xx': { ...ProblemSchema, description: 'RFC 9457 problem details' },
};
