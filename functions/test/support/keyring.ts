import { randomBytes } from "node:crypto";
import { parseKeyring } from "../../src/domain/credentials";

/**
 * A fresh credentials key per test process: nothing sealed in one run can be read in another. The
 * raw value is handed to the child processes a test starts (test/support/publish-child.ts).
 */
export const TEST_KEYRING_VALUE = `test1:${randomBytes(32).toString("base64")}`;
export const TEST_KEYRING = parseKeyring(TEST_KEYRING_VALUE);
