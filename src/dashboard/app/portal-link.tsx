// "Copy customer page link": asks the API for a one-click sign-in link to a customer's page
// (createCustomerPortalLink: single use, 15 minutes) and copies it. The link is also shown, so it
// can be copied by hand where the clipboard is refused.
import { useClient } from '@urql/preact';
import { useState } from 'preact/hooks';
import { CreateCustomerPortalLinkDocument } from '../gql/graphql';
import { dateTime } from './format';
import { mutate } from './mutate';
import { ActionButton } from './ui';

export function CopyPortalLink(props: { customerId: string; email: string }) {
  const client = useClient();
  const [link, setLink] = useState<{ url: string; expiresAt: string; copied: boolean } | null>(null);
  return (
    <span class="portal-link">
      <ActionButton
        label="Copy customer page link"
        ariaLabel={`Copy customer page link for ${props.email}`}
        action={async () => {
          const res = await mutate(
            client,
            CreateCustomerPortalLinkDocument,
            { customerId: props.customerId },
            'createCustomerPortalLink',
          );
          if (!res.ok) return res.failure.form;
          if (res.data.__typename !== 'CreateCustomerPortalLinkSuccess') return;
          const { url, expiresAt } = res.data.link;
          const copied = await navigator.clipboard?.writeText(url).then(
            () => true,
            () => false,
          );
          setLink({ url, expiresAt, copied: Boolean(copied) });
        }}
      />
      {link && (
        <span class="link-made" role="status">
          {link.copied ? 'Copied: ' : 'Copy this link: '}
          <code class="break" data-testid="portal-link">
            {link.url}
          </code>{' '}
          <span class="muted">(one use, until {dateTime(link.expiresAt)})</span>
        </span>
      )}
    </span>
  );
}
