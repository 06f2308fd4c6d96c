// A loader of one line: datagouv-kit/loaders runs it, its client, its output and its failures.
import { emitJson } from "datagouv-kit/loaders";

await emitJson((dg) => dg.tabular("0b5c5f6e-6e4a-4b5c-9a77-2c1f3c6b9a02").all());
