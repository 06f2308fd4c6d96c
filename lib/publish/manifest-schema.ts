/** The JSON Schema (draft-07) publish manifests are checked against; `datagouv publish --schema` prints it. */
export const MANIFEST_SCHEMA: Record<string, unknown> = {
  $schema: "http://json-schema.org/draft-07/schema#",
  $id: "datagouv-kit/publish-manifest.schema.json",
  title: "datagouv publish manifest",
  description:
    "One dataset and its resources, as they should be on data.gouv.fr. `datagouv publish` makes the platform match it.",
  type: "object",
  additionalProperties: false,
  required: ["title", "description"],
  anyOf: [{ required: ["key"] }, { required: ["id"] }],
  properties: {
    $schema: { type: "string" },
    key: {
      description:
        "A stable name for this dataset, kept in its extras: how later runs find it again. Letters, digits, '.', '_' and '-'.",
      type: "string",
      pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$",
    },
    id: { description: "The id or slug of an existing dataset to manage.", type: "string", minLength: 1 },
    title: { type: "string", minLength: 1, maxLength: 350 },
    description: { description: "Markdown.", type: "string", minLength: 1 },
    description_short: { type: "string", maxLength: 200 },
    acronym: { type: "string" },
    organization: {
      description: "The publishing organization's id or slug; without it the key's user owns the dataset.",
      type: "string",
      minLength: 1,
    },
    license: {
      description: "A licence id, e.g. lov2, odc-odbl, cc-by (see /api/1/datasets/licenses/).",
      type: "string",
      minLength: 1,
    },
    frequency: {
      description: "An update frequency id, e.g. monthly, annual, punctual (see /api/1/datasets/frequencies/).",
      type: "string",
      minLength: 1,
    },
    tags: { type: "array", items: { type: "string", minLength: 1 }, uniqueItems: true },
    private: { description: "A draft, visible only to its producers.", type: "boolean" },
    temporal_coverage: {
      type: "object",
      additionalProperties: false,
      required: ["start"],
      properties: {
        start: { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$" },
        end: { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$" },
      },
    },
    extras: { type: "object" },
    resources: { type: "array", items: { $ref: "#/$defs/resource" } },
  },
  $defs: {
    resource: {
      type: "object",
      additionalProperties: false,
      required: ["title"],
      oneOf: [{ required: ["file"] }, { required: ["url"] }],
      properties: {
        key: {
          description: "A stable name for the resource within the dataset (default: its title).",
          type: "string",
          pattern: "^[^\\s].{0,199}$",
        },
        title: { type: "string", minLength: 1 },
        description: { type: "string" },
        file: { description: "A local file to upload, relative to the manifest.", type: "string", minLength: 1 },
        url: { description: "A remote file or API.", type: "string", pattern: "^https?://\\S+$" },
        type: { enum: ["main", "documentation", "update", "api", "code", "other"] },
        format: { description: "Default: the file's extension.", type: "string", minLength: 1 },
      },
    },
  },
};
