/** csv-detective's python types, as the Tabular profile names them. */
export const PYTHON_TYPES = ["string", "int", "float", "bool", "date", "datetime", "json"] as const;
export type PythonType = (typeof PYTHON_TYPES)[number];
