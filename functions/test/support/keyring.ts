import { randomBytes } from "node:crypto";
import { parseKeyring } from "../../src/domain/credentials";

/** A fresh credentials key per test process: nothing sealed in one run can be read in another. */
export const TEST_KEYRING = parseKeyring(`test1:${randomBytes(32).toString("base64")}`);
