import type { Upload } from "./invoke.ts";
import type {
  Activity,
  ContactPoint,
  ContactPointInput,
  HarvestBackend,
  HarvestJob,
  HarvestSource,
  HarvestSourceInput,
  HarvestItem,
  Label,
  Notification,
  Report,
  SitePage,
  Transfer,
  TransferRequest,
} from "./models.ts";
import { del, get, getAdmin, getMine, patchAdmin, post, postAdmin, put, putAdmin } from "./route.ts";

const H = "api/1/harvest";

export const CONTACT_ROUTES = {
  create: post("api/1/contacts/", "create a contact point").send<ContactPointInput, ContactPoint>(),
  roles: get("api/1/contacts/roles/", "contact point roles").json<Label[]>(),
  get: get("api/1/contacts/{contact_point}/", "one contact point").json<ContactPoint>(),
  update: put("api/1/contacts/{contact_point}/", "edit a contact point").send<ContactPointInput, ContactPoint>(),
  delete: del("api/1/contacts/{contact_point}/", "delete a contact point").empty(),
} as const;

/** Harvest sources and their jobs (udata/harvest/api.py); validating a source is for administrators. */
export const HARVEST_ROUTES = {
  sources: get(`${H}/sources/`, "harvest sources").page<
    HarvestSource,
    { owner?: string; organization?: string; q?: string; deleted?: boolean }
  >(),
  createSource: post(`${H}/sources/`, "create a harvest source").send<HarvestSourceInput, HarvestSource>(),
  source: get(`${H}/source/{source}/`, "one harvest source").json<HarvestSource>(),
  updateSource: put(`${H}/source/{source}/`, "edit a harvest source").send<HarvestSourceInput, HarvestSource>(),
  deleteSource: del(`${H}/source/{source}/`, "delete a harvest source").empty(),
  jobs: get(`${H}/source/{source}/jobs/`, "its jobs, newest first").page<HarvestJob>(),
  job: get(`${H}/job/{ident}/`, "one job with its items").json<HarvestJob>(),
  run: post(`${H}/source/{source}/run/`, "harvest it now").json<HarvestSource>(),
  schedule: postAdmin(`${H}/source/{source}/schedule/`, "schedule it (a cron expression)").send<
    string,
    HarvestSource
  >(),
  unschedule: del(`${H}/source/{source}/schedule/`, "stop its schedule").json<HarvestSource>(),
  preview: getMine(`${H}/source/{source}/preview/`, "what a run would harvest, without saving").json<
    HarvestJob & { items: HarvestItem[] }
  >(),
  previewConfig: post(`${H}/source/preview/`, "preview a source not yet created").send<
    HarvestSourceInput,
    HarvestJob
  >(),
  validate: postAdmin(`${H}/source/{source}/validate/`, "accept or refuse a source (administrators)").send<
    { state: "accepted" | "refused"; comment?: string },
    HarvestSource
  >(),
  backends: get(`${H}/backends/`, "harvester backends").json<HarvestBackend[]>(),
} as const;

export const NOTIFICATION_ROUTES = {
  list: getMine("api/1/notifications/", "one's notifications").page<Notification, { handled?: boolean }>(),
  read: post("api/1/notifications/{notification}/read/", "mark a notification read").json<Notification>(),
} as const;

/** Moving a dataset, reuse or dataservice to another owner: proposed by one key, answered by the recipient's. */
export const TRANSFER_ROUTES = {
  list: getMine("api/1/transfer/", "transfers one proposed or received").json<
    Transfer[],
    { user?: string; organization?: string; subject?: string }
  >(),
  propose: post("api/1/transfer/", "propose a transfer").send<TransferRequest, Transfer>(),
  get: getMine("api/1/transfer/{id}/", "one transfer").json<Transfer>(),
  respond: post("api/1/transfer/{id}/", "accept or refuse it (the recipient)").send<
    { response: "accept" | "refuse"; comment?: string },
    Transfer
  >(),
} as const;

export const REPORT_ROUTES = {
  list: getAdmin("api/1/reports/", "reports (administrators)").page<Report>(),
  create: post("api/1/reports/", "report an object").send<
    { subject: { id: string; class: string }; reason: string; message?: string },
    Report
  >(),
  reasons: get("api/1/reports/reasons/", "reasons one may report for").json<Label[]>(),
  get: getAdmin("api/1/reports/{report}/", "one report (administrators)").json<Report>(),
  update: patchAdmin("api/1/reports/{report}/", "dismiss a report (administrators)").send<
    { dismissed?: boolean },
    Report
  >(),
} as const;

export const PAGE_ROUTES = {
  list: get("api/1/pages/", "editorial pages").page<SitePage>(),
  create: postAdmin("api/1/pages/", "create a page (administrators)").send<{ blocs: unknown[] }, SitePage>(),
  get: get("api/1/pages/{page}/", "one page").json<SitePage>(),
  update: putAdmin("api/1/pages/{page}/", "edit a page (administrators)").send<{ blocs: unknown[] }, SitePage>(),
} as const;

export const ACTIVITY_ROUTES = {
  list: get("api/1/activity/", "what happened, newest first").page<
    Activity,
    { user?: string; organization?: string; related_to?: string; sort?: string }
  >(),
} as const;

export type { Upload };
