/**
 * functions/.secret.local gives the Functions emulator every secret the functions bind, so it
 * never asks Secret Manager ("Unable to access secret environment variables … not yet
 * authenticated" once per function start). Read with firebase-tools' own parser, its values must
 * be the demo ones the rest of the stack already uses: the credentials key a demo- project
 * derives (npm start seals the demo accounts' credentials with it before the emulator starts) and
 * the client secrets the fake platforms accept.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { allFakes } from "../../../fakes/all-fakes";
import { parseKeyring } from "../../../src/domain/credentials";
import { PLATFORMS } from "../../../src/domain/platforms";
import { CLIENT_SECRETS, credentialsKey } from "../../../src/config/secrets";
import { REPO_ROOT } from "../../../dev/local-config";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parseStrict } = require(path.join(REPO_ROOT, "node_modules/firebase-tools/lib/functions/env")) as {
  parseStrict: (data: string) => Record<string, string>;
};

const secrets = parseStrict(readFileSync(path.join(REPO_ROOT, "functions", ".secret.local"), "utf8"));

describe("functions/.secret.local", () => {
  it("holds exactly the secrets the functions bind", () => {
    const bound = [credentialsKey.name, ...PLATFORMS.map((p) => CLIENT_SECRETS[p].name)];
    expect(Object.keys(secrets).sort()).toEqual(bound.sort());
  });

  it("holds the credentials key a demo- project derives, so the stack's seeding and the emulator agree", () => {
    const saved = { project: process.env.GCLOUD_PROJECT, key: process.env.CREDENTIALS_KEY };
    process.env.GCLOUD_PROJECT = "demo-postcast";
    delete process.env.CREDENTIALS_KEY;
    try {
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { credentialsKeyring } = require("../../../src/config/credentials-key") as {
          credentialsKeyring: () => unknown;
        };
        expect(parseKeyring(secrets.CREDENTIALS_KEY!)).toEqual(credentialsKeyring());
      });
    } finally {
      if (saved.project === undefined) delete process.env.GCLOUD_PROJECT;
      else process.env.GCLOUD_PROJECT = saved.project;
      if (saved.key !== undefined) process.env.CREDENTIALS_KEY = saved.key;
    }
  });

  it("holds the client secret each fake platform accepts", () => {
    const fakes = allFakes();
    for (const platform of PLATFORMS) {
      expect({ platform, secret: secrets[CLIENT_SECRETS[platform].name] }).toEqual({
        platform,
        secret: fakes[platform].clientSecret,
      });
    }
  });
});
