// The compact notation the field tables are written in, and its parser.
//
// A message is a whitespace-separated list of fields `json=number:type[marker]`:
//   type    string | bytes | bool | int32 | int64 | uint32 | uint64 | double | float
//           | a special type (see SpecialKind) | a message: `Name` (same package) or `pkg.v1.Name`
//           | `[type]` repeated | `{key:value}` a map, sent as repeated key=1/value=2 entries
//   marker  `?` a pointer in Go: present on the wire ⇒ present in JSON, even when zero;
//           `!` a value without omitempty: always in JSON (an unset list or map as null);
//           none: a value; a zero scalar is omitted from JSON, Go always writes it on the wire.
//   json    `...` embeds the message's fields in the parent (Go `json:",inline"`).
// Messages present on the wire are always in JSON (Go's omitempty never omits a struct).

export type ScalarKind = 'string' | 'bytes' | 'bool' | 'int32' | 'int64' | 'uint32' | 'uint64' | 'double' | 'float';

/** Messages whose JSON form is not an object of their fields. */
export type SpecialKind = 'Time' | 'MicroTime' | 'Quantity' | 'IntOrString' | 'FieldsV1' | 'StringList';

export type ValueType =
  | { kind: 'scalar'; scalar: ScalarKind }
  | { kind: 'special'; special: SpecialKind }
  | { kind: 'message'; message: string };

export type Presence = 'pointer' | 'always' | 'omitempty';

export interface FieldSchema {
  number: number;
  /** The JSON name; empty for an inline (embedded) message. */
  json: string;
  type: ValueType;
  repeated: boolean;
  map?: { key: ScalarKind; value: ValueType };
  presence: Presence;
}

export interface MessageSchema {
  /** Qualified name, e.g. `apps.v1.DeploymentSpec`. */
  name: string;
  fields: ReadonlyMap<number, FieldSchema>;
}

/** One API group version's tables. */
export interface ProtoPackage {
  /** `apps.v1`: the prefix other packages use to refer to these messages. */
  name: string;
  groupVersion: string;
  /** The top-level kinds a request body may carry. */
  kinds: readonly string[];
  messages: Readonly<Record<string, string>>;
}

const SCALARS: ReadonlySet<string> = new Set<ScalarKind>([
  'string', 'bytes', 'bool', 'int32', 'int64', 'uint32', 'uint64', 'double', 'float',
]);
const SPECIALS: ReadonlySet<string> = new Set<SpecialKind>([
  'Time', 'MicroTime', 'Quantity', 'IntOrString', 'FieldsV1', 'StringList',
]);
const FIELD_RE = /^([A-Za-z0-9_.]+)=(\d+):(\{(\w+):([\w.]+)\}|\[([\w.]+)\]|([\w.]+))([?!]?)$/;

function valueType(name: string, pkg: string): ValueType {
  if (SCALARS.has(name)) return { kind: 'scalar', scalar: name as ScalarKind };
  if (SPECIALS.has(name)) return { kind: 'special', special: name as SpecialKind };
  return { kind: 'message', message: name.includes('.') ? name : `${pkg}.${name}` };
}

function parseField(token: string, pkg: string, where: string): FieldSchema {
  const m = FIELD_RE.exec(token);
  if (!m) throw new Error(`protobuf schema ${where}: cannot parse field ${JSON.stringify(token)}`);
  // Groups that did not take part are undefined at run time, whatever their static type.
  const [, json = '', num = '', , mapKey, mapValue = '', element, single = '', marker = ''] = m;
  const presence: Presence = marker === '?' ? 'pointer' : marker === '!' ? 'always' : 'omitempty';
  const field = { number: Number(num), json: json === '...' ? '' : json, presence };
  if (mapKey !== undefined) {
    if (!SCALARS.has(mapKey)) throw new Error(`protobuf schema ${where}: map key ${mapKey} is not a scalar`);
    const map = { key: mapKey as ScalarKind, value: valueType(mapValue, pkg) };
    return { ...field, type: map.value, repeated: true, map };
  }
  return { ...field, type: valueType(element ?? single, pkg), repeated: element !== undefined };
}

/** Parses one message's field list; `pkg` resolves unqualified message names. */
export function parseMessage(pkg: string, name: string, spec: string): MessageSchema {
  const qualified = `${pkg}.${name}`;
  const fields = new Map<number, FieldSchema>();
  for (const token of spec.split(/\s+/).filter(Boolean)) {
    const field = parseField(token, pkg, qualified);
    if (fields.has(field.number)) throw new Error(`protobuf schema ${qualified}: field ${field.number} twice`);
    fields.set(field.number, field);
  }
  return { name: qualified, fields };
}
