// Emails: the outbox (§13). Its server side (the email outbox, templates, SMTP) comes with the
// commerce work; this is the page's frame and what it will show.
import { Coming } from '../ui';

export function EmailsPage() {
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Emails</h1>
      <Coming title="The email outbox">
        <p>
          This page will list every email the server sends (license keys, magic sign-in links, expiry
          reminders, renewals) with its recipient, subject, template, status (unsent, queued, sent, failed),
          attempts and last error, and a Resend button. It arrives with the email work; this server has no
          outbox yet.
        </p>
        <table>
          <caption class="sr-only">What the outbox will show</caption>
          <thead>
            <tr>
              <th scope="col">To</th>
              <th scope="col">Subject</th>
              <th scope="col">Template</th>
              <th scope="col">Status</th>
              <th scope="col">Attempts</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <td colSpan={5} class="muted">
                No emails yet.
              </td>
            </tr>
          </tbody>
        </table>
      </Coming>
    </section>
  );
}
