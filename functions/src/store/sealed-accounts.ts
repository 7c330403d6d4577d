import { z } from "zod";
import { sealJson, unsealJson, type Credentials, type Keyring } from "../domain/credentials";
import type { AccountProfile } from "./account-store";

/** Accounts a consent returned, with the credentials to publish to them. */
export type AccountWithCredentials = AccountProfile & { credentials: Credentials };

export const sealedSchema = z.object({ keyId: z.string(), iv: z.string(), tag: z.string(), ciphertext: z.string() });

export const profileSchema = z.object({
  accountId: z.string(),
  username: z.string().nullable(),
  displayName: z.string().nullable(),
  avatarUrl: z.string().nullable(),
});

/**
 * Accounts waiting in a server-only document (a pending connection, a selection): profiles in
 * clear (they are shown to the user), credentials sealed by account id like stored credentials,
 * bound by `associatedData` to the document and its user.
 */
export function sealAccounts(
  accounts: readonly AccountWithCredentials[],
  keyring: Keyring,
  associatedData: string,
): { accounts: AccountProfile[]; sealed: z.infer<typeof sealedSchema> } {
  const secrets = Object.fromEntries(accounts.map((a) => [a.accountId, a.credentials]));
  return {
    accounts: accounts.map(({ accountId, username, displayName, avatarUrl }) => ({
      accountId,
      username,
      displayName,
      avatarUrl,
    })),
    sealed: sealJson(secrets, keyring, associatedData),
  };
}

/** The accounts of `sealAccounts` back with their credentials (only those named, when given). */
export function openAccounts(
  doc: { accounts: AccountProfile[]; sealed: z.infer<typeof sealedSchema> },
  keyring: Keyring,
  associatedData: string,
  only?: readonly string[],
): AccountWithCredentials[] {
  const secrets = unsealJson(doc.sealed, keyring, associatedData) as Record<string, Credentials>;
  return doc.accounts
    .filter((a) => !only || only.includes(a.accountId))
    .map((a) => ({ ...a, credentials: secrets[a.accountId]! }));
}
