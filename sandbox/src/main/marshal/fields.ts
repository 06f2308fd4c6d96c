import type { Account } from "../accounts.ts";
import type { Doc } from "../seed.ts";
import type { MainStore } from "../store.ts";
import { isoDateTime, pyBoolean, pyInt, pyStr } from "./format.ts";
import { filterData, inconsistentMask, parseMask, type Mask } from "./mask.ts";

/**
 * flask-restx's marshalling (flask_restx/marshalling.py, fields.py), the layer every udata API object goes through: a
 * model names each field the API emits, where its value comes from and how it is typed; nothing else comes out.
 */

/** What a field's getter may look at besides the stored document. */
export interface MarshalContext {
  store: MainStore;
  viewer?: Account | undefined;
  /** The `X-Get-Datasets-Full-Objects` header (udata/core/dataset/constants.py FULL_OBJECTS_HEADER) was sent. */
  fullObjects: boolean;
}

type Getter = (value: any, ctx: MarshalContext) => unknown;

export type Field =
  | {
      kind: "raw" | "string" | "integer" | "float" | "boolean" | "datetime";
      get?: Getter;
      default?: unknown;
      mask?: Mask;
    }
  | { kind: "nested"; model: () => Model; get?: Getter; allowNull?: boolean; skipNone?: boolean; mask?: Mask }
  | { kind: "list"; item: Field; get?: Getter };

export interface Model {
  name: string;
  fields: Record<string, Field>;
  /** The model's default mask, applied when no X-Fields header says otherwise. */
  mask?: Mask;
}

export const raw = (get?: Getter, defaultValue?: unknown): Field => ({ kind: "raw", get, default: defaultValue });
export const string = (get?: Getter, defaultValue?: unknown): Field => ({ kind: "string", get, default: defaultValue });
export const integer = (get?: Getter): Field => ({ kind: "integer", get });
export const float = (get?: Getter): Field => ({ kind: "float", get });
export const boolean = (get?: Getter, defaultValue?: unknown): Field => ({
  kind: "boolean",
  get,
  default: defaultValue,
});
export const datetime = (get?: Getter): Field => ({ kind: "datetime", get });
export const nested = (
  model: () => Model,
  options: { get?: Getter; allowNull?: boolean; skipNone?: boolean } = {},
): Field => ({ kind: "nested", model, ...options });
/** A list; the item field's getter, if any, reads each element. */
export const list = (item: Field, get?: Getter): Field => ({ kind: "list", item, get });

export function model(name: string, fields: Record<string, Field>, mask?: Mask): Model {
  return { name, fields, mask };
}

/** Marshals `data` with `model`: the explicit mask (an X-Fields header) replaces the model's own. */
export function marshal(data: unknown, target: Model, ctx: MarshalContext, mask?: Mask): any {
  const fields = applyMask(target.fields, mask ?? target.mask);
  if (Array.isArray(data)) return data.map((item) => marshalFields(item, fields, ctx, false));
  return marshalFields(data, fields, ctx, false);
}

/**
 * A model's fields in key order: Flask's JSON provider sorts every object's keys, so the output is built sorted (a
 * sorting pass over the whole answer costs more than the marshalling).
 */
const sortedFields = new WeakMap<Record<string, Field>, [string, Field][]>();
function entriesOf(fields: Record<string, Field>): [string, Field][] {
  let entries = sortedFields.get(fields);
  if (!entries) sortedFields.set(fields, (entries = Object.entries(fields).sort(([a], [b]) => (a < b ? -1 : 1))));
  return entries;
}

/** A Raw field's value with its objects' keys in order too. */
export function sortKeys(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(sortKeys);
  const keys = Object.keys(value).sort();
  const out: Doc = {};
  for (const key of keys) out[key] = sortKeys((value as Doc)[key]);
  return out;
}

function marshalFields(data: unknown, fields: Record<string, Field>, ctx: MarshalContext, skipNone: boolean): Doc {
  const out: Doc = {};
  for (const [key, field] of entriesOf(fields)) {
    const value = output(field, key, data, ctx);
    if (skipNone && (value === null || value === undefined || isEmptyObject(value))) continue;
    out[key] = value;
  }
  return out;
}

const isEmptyObject = (value: unknown) =>
  typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;

function valueOf(field: Field, key: string | number, data: any, ctx: MarshalContext): unknown {
  if (field.get) return field.get(data, ctx);
  if (data === null || data === undefined || typeof data !== "object") return undefined;
  return data[key];
}

function output(field: Field, key: string | number, data: unknown, ctx: MarshalContext): unknown {
  const value = valueOf(field, key, data, ctx);
  // MongoEngine gives a stored document's list fields an empty list by default
  if (field.kind === "list" && (value === undefined || value === null) && data !== null && data !== undefined)
    return [];
  return render(field, value, ctx);
}

function render(field: Field, value: unknown, ctx: MarshalContext): unknown {
  switch (field.kind) {
    case "nested": {
      if ((value === null || value === undefined) && field.allowNull) return null;
      const target = field.model();
      const fields = applyMask(target.fields, field.mask ?? target.mask);
      const skipNone = field.skipNone ?? false;
      if (Array.isArray(value)) return value.map((item) => marshalFields(item, fields, ctx, skipNone));
      return marshalFields(value ?? null, fields, ctx, skipNone);
    }
    case "list": {
      if (value === null || value === undefined) return null;
      const item = field.item;
      if (!Array.isArray(value)) return item.kind === "nested" ? [render(item, value, ctx)] : null;
      return value.map((element) => render(item, item.get ? item.get(element, ctx) : element, ctx));
    }
    default: {
      // Raw.output: a missing value is the default, formatted unless falsy
      if (value === null || value === undefined)
        return field.default ? sortKeys(format(field.kind, field.default)) : (field.default ?? null);
      if (field.kind !== "raw") return format(field.kind, value);
      return sortKeys(field.mask ? filterData(value, field.mask) : value);
    }
  }
}

function format(kind: Field["kind"], value: unknown): unknown {
  switch (kind) {
    case "string":
      return pyStr(value);
    case "integer":
      return pyInt(value);
    case "float":
      return typeof value === "number" ? value : Number(value);
    case "boolean":
      return pyBoolean(value);
    case "datetime":
      return isoDateTime(value);
    default:
      return value;
  }
}

/**
 * `Mask.apply` on a model's fields (skipping what the model lacks): a nested mask narrows a Nested field's model, the
 * model a List holds, or a plain Raw field's value; on any other field it is an error.
 */
function applyMask(fields: Record<string, Field>, mask: Mask | undefined): Record<string, Field> {
  if (!mask || mask.size === 0) return fields;
  const out: Record<string, Field> = {};
  for (const [key, content] of mask) {
    if (key === "*" || !(key in fields)) continue;
    out[key] = content === true ? fields[key] : narrow(fields[key], content);
  }
  if (mask.has("*")) for (const [key, field] of Object.entries(fields)) if (!(key in out)) out[key] = field;
  return out;
}

function narrow(field: Field, mask: Mask): Field {
  if (field.kind === "nested") return { ...field, mask };
  if (field.kind === "list") return { ...field, item: narrow(field.item, mask) };
  if (field.kind === "raw") return { ...field, mask };
  throw inconsistentMask();
}

/**
 * udata's pager (udata/api/fields.py pager, search_pager): the page's items marshalled with `item`, the links as the
 * route built them; `mask` is the page model's own (`data{…},*`).
 */
export function pager(item: Model, options: { mask?: string; facets?: boolean } = {}): Model {
  return model(
    `${item.name}Page`,
    {
      data: list(nested(() => item)),
      page: integer(),
      page_size: integer(),
      total: integer(),
      next_page: string(),
      previous_page: string(),
      ...(options.facets ? { facets: raw() } : {}),
    },
    options.mask ? parseMask(options.mask) : undefined,
  );
}
