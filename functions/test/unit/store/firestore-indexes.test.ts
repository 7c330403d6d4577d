import { readFileSync } from "node:fs";
import path from "node:path";

interface IndexField {
  fieldPath: string;
  order?: "ASCENDING" | "DESCENDING";
  arrayConfig?: "CONTAINS";
}

const { indexes } = JSON.parse(
  readFileSync(path.join(__dirname, "..", "..", "..", "..", "firestore.indexes.json"), "utf8"),
) as { indexes: { collectionGroup: string; queryScope: string; fields: IndexField[] }[] };

const has = (fields: IndexField[]) =>
  indexes.some(
    (ix) =>
      ix.collectionGroup === "postSubmissions" &&
      ix.queryScope === "COLLECTION" &&
      JSON.stringify(ix.fields) === JSON.stringify(fields),
  );

describe("firestore.indexes.json", () => {
  // GET /v1/posts (post-list-store.ts): userId and the key's mode, then the optional status and
  // platform filters, ordered by createdAt (descending, as are from/to's bounds on it).
  it.each([
    ["no filter", []],
    ["status", [{ fieldPath: "status", order: "ASCENDING" }]],
    ["platform", [{ fieldPath: "platforms", arrayConfig: "CONTAINS" }]],
    [
      "status and platform",
      [
        { fieldPath: "status", order: "ASCENDING" },
        { fieldPath: "platforms", arrayConfig: "CONTAINS" },
      ],
    ],
  ] as [string, IndexField[]][])("declares the index GET /v1/posts needs with %s", (_label, filters) => {
    expect(
      has([
        { fieldPath: "userId", order: "ASCENDING" },
        { fieldPath: "mode", order: "ASCENDING" },
        ...filters,
        { fieldPath: "createdAt", order: "DESCENDING" },
      ]),
    ).toBe(true);
  });
});
