import { mayEdit, type Account } from "./accounts.ts";
import { administers } from "./membership.ts";
import { notify, administrators } from "./notifications.ts";
import { MainError, reply } from "./respond.ts";
import { caller, found, isAdmin, kind, newId, oneOf, required, type Call, type RouteSpec } from "./routing.ts";
import { orgRef, userRef, type Doc, type Kind } from "./seed.ts";
import { FORBIDDEN, now, readJson, type WriteContext } from "./writing.ts";

/** Transfers of a dataset, reuse or dataservice to another owner (udata/features/transfer/api.py). */

const SUBJECTS: Record<string, Kind> = { Dataset: "datasets", Reuse: "reuses", Dataservice: "dataservices" };

function recipientOf(ctx: WriteContext, ref: Doc): Doc | undefined {
  if (ref?.class === "Organization") {
    const org = ctx.store.find("organizations", ref.id);
    return org && orgRef(org);
  }
  if (ref?.class === "User") {
    const user = ctx.accounts.find((a) => a.user.id === ref.id)?.user ?? ctx.store.find("users", ref.id);
    return user && userRef(user);
  }
  return undefined;
}

function receives(ctx: WriteContext, account: Account, transfer: Doc): boolean {
  const { recipient } = transfer;
  if (recipient.class === "User") return recipient.id === account.user.id;
  const org = ctx.store.find("organizations", recipient.id);
  return org !== undefined && administers(account, org);
}

function sees(ctx: WriteContext, account: Account, transfer: Doc): boolean {
  return isAdmin(account) || transfer.user?.id === account.user.id || receives(ctx, account, transfer);
}

export const TRANSFER_ROUTES: RouteSpec[] = [
  [
    "GET",
    "/api/1/transfer/",
    (call: Call) => {
      const account = caller(call);
      const all = call.ctx.store.all(kind("transfers")).filter((t) => sees(call.ctx, account, t));
      reply(call.request, 200, all);
    },
  ],
  [
    "POST",
    "/api/1/transfer/",
    async (call) => {
      const account = caller(call);
      const body = await readJson(call.request);
      required(body, ["subject", "recipient", "comment"]);
      const subjectKind = SUBJECTS[body.subject?.class];
      const subject = subjectKind && call.ctx.store.find(subjectKind, String(body.subject.id));
      if (!subject) throw new MainError(400, "Validation error", { subject: ["Unknown subject."] });
      const recipient = recipientOf(call.ctx, body.recipient);
      if (!recipient) throw new MainError(400, "Validation error", { recipient: ["Unknown recipient."] });
      if (!isAdmin(account) && !mayEdit(account, subject)) throw new MainError(403, FORBIDDEN);
      const transfer = {
        id: newId(),
        user: userRef(account.user),
        owner: subject.organization ?? subject.owner,
        recipient,
        subject: { id: subject.id, class: body.subject.class, title: subject.title, page: subject.page },
        comment: body.comment,
        created: now(),
        status: "pending",
        responded: null,
        reponse_comment: null,
      };
      await call.ctx.store.save(kind("transfers"), transfer);
      const org = recipient.class === "Organization" && call.ctx.store.find("organizations", recipient.id);
      const users = org ? administrators(call.ctx, org, account) : [recipient];
      await notify(call.ctx, users, {
        class: "TransferRequestNotificationDetails",
        transfer_subject: transfer.subject,
      });
      reply(call.request, 201, transfer);
    },
  ],
  [
    "GET",
    "/api/1/transfer/{}/",
    (call) => {
      const account = caller(call);
      const transfer = found(call.ctx, "transfers", call.params[0]);
      if (!sees(call.ctx, account, transfer)) throw new MainError(403, FORBIDDEN);
      reply(call.request, 200, transfer);
    },
  ],
  [
    "POST",
    "/api/1/transfer/{}/",
    async (call) => {
      const account = caller(call);
      const transfer = found(call.ctx, "transfers", call.params[0]);
      if (!receives(call.ctx, account, transfer) && !isAdmin(account)) throw new MainError(403, FORBIDDEN);
      const body = await readJson(call.request);
      required(body, ["response"]);
      oneOf(body, "response", ["accept", "refuse"]);
      if (transfer.status !== "pending") throw new MainError(400, "Transfer already handled");
      if (body.response === "accept") {
        const subjectKind = SUBJECTS[transfer.subject.class];
        const subject = call.ctx.store.find(subjectKind, transfer.subject.id);
        if (subject) {
          const toOrg = transfer.recipient.class === "Organization";
          await call.ctx.store.save(subjectKind, {
            ...subject,
            organization: toOrg ? transfer.recipient : null,
            owner: toOrg ? null : transfer.recipient,
            last_modified: now(),
          });
        }
      }
      const answered = {
        ...transfer,
        status: body.response === "accept" ? "accepted" : "refused",
        responded: now(),
        reponse_comment: body.comment ?? null,
      };
      await call.ctx.store.save(kind("transfers"), answered);
      reply(call.request, 200, answered);
    },
  ],
];
