import type { Owner } from "../../domain/owner";
import type { Platform } from "../../domain/platforms";
import type { NormalizedPostRequest } from "../../domain/post-model";
import { parsePostRequest } from "../../domain/post-request";
import { validationError } from "../../domain/errors";
import { planSubmission, type SubmissionPlan } from "../../domain/submission-plan";
import { planIssues, planRequest } from "../../domain/target-plan";
import { ownMedia, ownMediaIds, withRewrites } from "../../media/own-media";
import type { StoredMediaRef } from "../../media/stored-media-urls";
import type { AppDeps } from "../deps";
import { resolveMediaIds } from "./media-ids";

/** A validated request and the stored media its mediaIds named (by URL), resolved once. */
export interface PostDraft {
  request: NormalizedPostRequest;
  media: ReadonlyMap<string, StoredMediaRef>;
}

/** A POST /v1/posts body (create and dry run) as a draft: mediaIds resolved, then validated. */
export async function parsePost(deps: AppDeps, caller: Owner, input: { body: unknown }): Promise<PostDraft> {
  const { body, media } = await resolveMediaIds(deps, caller, { body: input.body ?? {} });
  return { request: parsePostRequest(body, { now: deps.clock(), mode: caller.mode }), media };
}

type AccountsByPlatform = Awaited<ReturnType<AppDeps["users"]["accountsByPlatform"]>>;

/** The caller's accounts on the platforms a draft targets (and `also`). */
export function draftAccounts(
  deps: AppDeps,
  caller: Owner,
  draft: PostDraft,
  also: readonly Platform[] = [],
): Promise<AccountsByPlatform> {
  return deps.users.accountsByPlatform(caller.userId, [
    ...draft.request.post.content.platform.map((t) => t.platform),
    ...also,
  ]);
}

export interface PlannedPost {
  /** The request with each own media named by the URL the store gave it (or its JPEG copy). */
  request: NormalizedPostRequest;
  plan: SubmissionPlan;
  /** The user's stored media the request uses, kept from deletion until the post has published. */
  mediaIds: string[];
}

export interface PreparedPost {
  /**
   * The plan of the draft, or of another version of it with the same media (an edit applied to the
   * request stored when its transaction runs), against the accounts and media read once.
   */
  plan(request?: NormalizedPostRequest): PlannedPost;
}

/**
 * What create, dry run and edit share after parsing: the accounts of the targeted platforms, the
 * post's own media (refused when of the other mode; PNG/WebP given their JPEG copy where a target
 * needs it, unless `convert: false`), then each target's plan. Account problems throw when planned;
 * rule violations are in the plan (a dry run shows them, the others refuse them).
 */
export async function preparePost(
  deps: AppDeps,
  caller: Owner,
  input: {
    draft: PostDraft;
    /** Platforms whose accounts are needed besides the draft's (an edit: the targets stored before). */
    alsoPlatforms?: readonly Platform[];
    convert?: boolean;
    /** The accounts, when the caller read them already (create reads them beside its idempotency record). */
    accounts?: Promise<AccountsByPlatform>;
  },
): Promise<PreparedPost> {
  const { draft } = input;
  const accounts = await (input.accounts ?? draftAccounts(deps, caller, draft, input.alsoPlatforms));
  const own = await ownMedia(deps, caller, draft.request, {
    resolved: draft.media,
    ...(input.convert === false ? { convert: false } : {}),
  });
  return {
    plan(version) {
      const request = version ? withRewrites(version, own.rewrites) : own.request;
      return { request, plan: planSubmission(request, accounts, own.known), mediaIds: ownMediaIds(request, own) };
    },
  };
}

/** A draft as stored: its request (own media named as the store gave them) and the media it keeps. */
export interface CheckedDraft {
  request: NormalizedPostRequest;
  mediaIds: string[];
}

/**
 * What a draft is checked for when written (create, edit): everything a post is except its accounts,
 * which may be connected later and are resolved when it is published. Its own media must be the
 * caller's and of its mode, and each target's content must keep its platform's rules (converted
 * copies are made at publish). `check` applies to the version stored when its transaction runs.
 */
export async function prepareDraft(
  deps: AppDeps,
  caller: Owner,
  draft: PostDraft,
): Promise<{ check(version?: NormalizedPostRequest): CheckedDraft }> {
  const own = await ownMedia(deps, caller, draft.request, { resolved: draft.media, convert: false });
  return {
    check(version) {
      const request = version ? withRewrites(version, own.rewrites) : own.request;
      const issues = planIssues(planRequest(request, own.known));
      if (issues.length > 0) throw validationError(issues);
      return { request, mediaIds: ownMediaIds(request, own) };
    },
  };
}
