/**
 * The document's examples, taken from docs/api.md's requests and answers with its `…` filled in so
 * each one is valid against its schema (a unit test checks them all).
 */
export const POST_ID = "3f0c2a9e-5b1d-4c8e-9f7a-2d6b8e1c4a90";

/** docs/api.md's first example. */
export const CREATE_POST = {
  post: {
    content: {
      text: "New product walkthrough",
      videoUrl: "https://cdn.example.com/walkthrough.mp4",
      platform: [
        { platform: "instagram", accountId: "instagram_main" },
        { platform: "tiktok", accountId: "tiktok_main" },
        "youtube",
      ],
    },
  },
  scheduledTime: "2026-03-01T12:00:00.000Z",
  trial_reel: false,
};

export const UPDATE_POST = {
  post: { content: { text: "New caption", platform: ["threads", { platform: "x", accountId: "x_brand" }] } },
  scheduledTime: "2026-03-02T12:00:00.000Z",
};

const AT = "2026-11-30T09:00:02.114Z";

/** docs/api.md's GET /v1/posts/{id} answer. */
export const POST = {
  postSubmissionId: POST_ID,
  status: "dispatched",
  mode: "live",
  scheduledTime: null,
  createdAt: "2026-11-30T09:00:00.512Z",
  updatedAt: AT,
  requestId: "req_8c1d2e3f",
  request: {
    post: {
      content: {
        text: "Two photos from the launch",
        mediaType: "image",
        imageUrls: ["https://cdn.example.com/launch-1.jpg", "https://cdn.example.com/launch-2.jpg"],
        videoUrl: null,
        platform: [
          { platform: "linkedin", accountId: null },
          { platform: "instagram", accountId: null },
        ],
      },
    },
    scheduledTime: null,
    trial_reel: false,
    sandbox: null,
  },
  targets: [
    { platform: "linkedin", accountId: "linkedin_main", runId: "linkedin" },
    { platform: "instagram", accountId: "ig_main", runId: "instagram" },
  ],
  summary: { total: 2, succeeded: 0, failed: 1, pending: 1, canceled: 0 },
  error: null,
  runs: [
    {
      runId: "linkedin",
      platform: "linkedin",
      accountId: "linkedin_main",
      status: "failed",
      attempts: 1,
      platformPostId: null,
      permalink: null,
      error: { code: "rejected", message: "LinkedIn refused the post: the image is too large.", retryable: false },
      adjustments: [],
      warning: null,
      waiting: null,
      createdAt: "2026-11-30T09:00:01.020Z",
      updatedAt: AT,
      finishedAt: AT,
    },
    {
      runId: "instagram",
      platform: "instagram",
      accountId: "ig_main",
      status: "processing",
      attempts: 1,
      platformPostId: null,
      permalink: null,
      error: null,
      adjustments: [],
      warning: null,
      waiting: {
        reason: "platform_processing",
        message: "Instagram is processing container 17941.",
        since: AT,
        until: "2026-11-30T09:01:02.114Z",
      },
      createdAt: "2026-11-30T09:00:01.020Z",
      updatedAt: AT,
      finishedAt: null,
    },
  ],
};

/** docs/api.md's dry run (with strict: false). */
export const DRY_RUN = {
  dryRun: true,
  valid: false,
  strict: false,
  scheduledTime: null,
  targets: [
    {
      platform: "x",
      accountId: "x_primary",
      runId: "x",
      outcome: "adjusted",
      content: {
        platform: "x",
        text: "Everything in the 2.0 release, step by step: the new editor, scheduling across time zones, …",
        title: null,
        mediaType: "image",
        imageUrls: [
          "https://cdn.example.com/1.jpg",
          "https://cdn.example.com/2.jpg",
          "https://cdn.example.com/3.jpg",
          "https://cdn.example.com/4.jpg",
        ],
        videoUrl: null,
        options: {},
      },
      adjustments: [
        {
          rule: "text_too_long",
          message: "x allows 280 weighted characters; this has 600. Truncated with an ellipsis.",
        },
        { rule: "too_many_images", message: "Kept the first 4 of 12 images (x's limit)." },
      ],
      violations: [],
    },
    {
      platform: "youtube",
      accountId: "youtube_main",
      runId: "youtube",
      outcome: "rejected",
      content: {
        platform: "youtube",
        text: "Everything in the 2.0 release, step by step.",
        title: "Everything in the 2.0 release, step by step.",
        mediaType: "image",
        imageUrls: ["https://cdn.example.com/1.jpg"],
        videoUrl: null,
        options: {},
      },
      adjustments: [],
      violations: [
        { rule: "media_type_unsupported", message: "youtube does not accept image posts; it takes a video." },
      ],
    },
  ],
};

/** docs/api.md's GET /v1/accounts answer. */
export const ACCOUNT = {
  platform: "x",
  accountId: "x_primary",
  displayName: "Acme",
  username: "acme",
  avatarUrl: "https://pbs.twimg.com/profile_images/acme.jpg",
  status: "active",
  health: "active",
  tokenExpiresAt: "2026-11-30T11:00:00.000Z",
  reconnectBy: null,
  onlyAccount: false,
  connectedAt: "2026-11-01T08:00:00.000Z",
};

/** docs/api.md's POST /v1/media answer. */
export const MEDIA = {
  id: "8d1f6c2b4a9e4f0d",
  url: "https://firebasestorage.googleapis.com/v0/b/postcast.appspot.com/o/users%2Fu1%2Fmedia%2F8d1f6c2b4a9e4f0d%2Ft0k3n.mp4?alt=media&token=t0k3n",
  contentType: "video/mp4",
  size: 20314,
  width: 360,
  height: 640,
  durationSeconds: 6,
  createdAt: AT,
  expiresAt: "2026-12-30T09:00:02.114Z",
};

/** docs/api.md's POST /v1/media/uploads answer. */
export const UPLOAD = {
  id: "up_5c9e0a7d3b214f68",
  state: "open",
  contentType: "video/mp4",
  size: 600000,
  fileName: "launch.mp4",
  uploadUrl:
    "https://storage.googleapis.com/upload/storage/v1/b/postcast.appspot.com/o?uploadType=resumable&upload_id=ADPycdt",
  method: "PUT",
  completeUrl: "https://us-central1-postcast.cloudfunctions.net/api/v1/media/uploads/up_5c9e0a7d3b214f68/complete",
  createdAt: AT,
  expiresAt: "2026-12-01T09:00:02.114Z",
};

/** docs/api.md's webhook endpoint. */
export const WEBHOOK = {
  id: "we_7Qm2Xc9LpA4s",
  url: "https://example.com/postcast-events",
  events: ["post.published", "post.failed", "post.completed"],
  description: "local listener",
  enabled: true,
  livemode: false,
  createdAt: AT,
  failingSince: null,
  disabledAt: null,
  disabledReason: null,
  previousSecretExpiresAt: null,
};

/** docs/api.md's event. */
export const EVENT = {
  id: "evt_3f9c0a1b2c3d4e5f60718293a4b5c6d7",
  type: "post.published",
  timestamp: "2026-11-30T09:00:01.234Z",
  version: 1,
  livemode: false,
  data: {
    postId: POST_ID,
    runId: "threads",
    platform: "threads",
    accountId: "threads_main",
    platformPostId: "sandbox_18034",
    permalink: null,
    attempts: 1,
  },
};

/** docs/api.md's API key (the list and revoke answers; create adds the key). */
export const API_KEY = {
  id: "key_1a2b3c4d",
  name: "Dashboard (read only)",
  mode: "test",
  preview: "sk_test_AbC…",
  createdAt: AT,
  lastUsedAt: null,
  revokedAt: null,
  scopes: ["posts:read", "accounts:read"],
  status: "active",
};
export const CREATED_KEY = { ...API_KEY, apiKey: "sk_test_Q2h5ZW5uZS1leGFtcGxlLWtleS0wMDAwMDAwMDA" };

/** docs/api.md's user template: a quote on a dark card with an accent bar. */
export const TEMPLATE_DEFINITION = {
  slug: "quote-card",
  name: "Quote card",
  defaultRatio: "1:1",
  parameters: {
    quote: { type: "text", default: "Ship small, ship often.", maxLength: 280 },
    author: { type: "text", default: "The team", maxLength: 80 },
    accent: { type: "color", default: "#1d9bf0" },
  },
  background: "#0f172a",
  elements: [
    { type: "rect", box: { x: 0, y: 0.94, width: 1, height: 0.06 }, fill: { param: "accent" } },
    {
      type: "text",
      box: { x: 0.08, y: 0.1, width: 0.84, height: 0.62 },
      content: "“{{quote}}”",
      font: { family: "serif", weight: 700 },
      size: { min: 36, max: 96 },
      color: "#ffffff",
      verticalAlign: "middle",
    },
    {
      type: "text",
      box: { x: 0.08, y: 0.76, width: 0.84, height: 0.1 },
      content: "— {{author}}",
      size: { min: 24, max: 40 },
      color: { param: "accent" },
    },
  ],
};

/** The same, as the API answers it (defaults filled in). */
export const TEMPLATE_DEFINITION_VIEW = {
  slug: "quote-card",
  builtIn: false,
  definition: {
    ...TEMPLATE_DEFINITION,
    parameters: {
      quote: { type: "text", default: "Ship small, ship often.", maxLength: 280 },
      author: { type: "text", default: "The team", maxLength: 80 },
      accent: { type: "color", default: "#1d9bf0" },
    },
    elements: [
      {
        type: "rect",
        box: { x: 0, y: 0.94, width: 1, height: 0.06 },
        fill: { param: "accent" },
        opacity: 1,
        radius: 0,
      },
      {
        ...TEMPLATE_DEFINITION.elements[1],
        opacity: 1,
        align: "start",
        lineHeight: 1.25,
      },
      {
        ...TEMPLATE_DEFINITION.elements[2],
        opacity: 1,
        font: { family: "sans", weight: 400 },
        align: "start",
        verticalAlign: "top",
        lineHeight: 1.25,
      },
    ],
  },
  createdAt: AT,
  updatedAt: AT,
};

/** docs/api.md's POST /v1/templates answer. */
export const RENDERED_TEMPLATE = {
  id: "5b7e2c0d9a4f4e1b",
  mediaId: "5b7e2c0d9a4f4e1b",
  url: "https://firebasestorage.googleapis.com/v0/b/postcast.appspot.com/o/users%2Fu1%2Fmedia%2F5b7e2c0d9a4f4e1b%2Ft0k3n.png?alt=media&token=t0k3n",
  width: 1080,
  height: 1080,
  templateSlug: "og-blog-post",
  contentType: "image/png",
  expiresAt: "2026-12-30T09:00:02.114Z",
  replayed: false,
};
