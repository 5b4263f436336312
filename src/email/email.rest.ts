// REST routes of the email outbox.
import type { Deps } from '../deps';
import { defineRoutes, listRoute, route } from '../rest/route';
import { ListEmailsQuery } from './email.schemas';
import { getEmail, listEmails, resendEmail } from './email.service';
import { emailJson } from './email.views';

const TAG = 'Emails';

export function emailRoutes(deps: Deps) {
  return defineRoutes([
    listRoute({
      path: '/api/v1/emails',
      tag: TAG,
      summary: 'The email outbox, newest first (filters: status, template, license_id, to)',
      query: ListEmailsQuery,
      list: ({ caller, query }, w) => listEmails(deps, caller, query, w),
      json: emailJson,
    }),
    route({
      method: 'get',
      path: '/api/v1/emails/:id',
      access: 'portal',
      tag: TAG,
      summary: 'One email of the outbox',
      async handler(c, { caller, params }) {
        return c.json({ email: emailJson(await getEmail(deps, caller, params.id!)) });
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/emails/:id/resend',
      access: 'portal',
      tag: TAG,
      summary: 'Send an email again (same message, fresh retry schedule)',
      example: { status: 202 },
      async handler(c, { caller, params }) {
        return c.json({ email: emailJson(await resendEmail(deps, caller, params.id!)) }, 202);
      },
    }),
  ]);
}
