import type { MountConnectWidgetOptions } from '../../src/sdk/index';

/**
 * `mountConnectWidget(options)` from `member-connect/sdk`: the framework-free loader that puts the widget's iframe on
 * any page. Storybook cannot host the frame bundle, so this page documents the options (generated from their types and
 * doc comments) with a usage example; the SDK itself is tested in `test/sdk` and end to end.
 */
export function MountConnectWidgetOptionsReference(_options: MountConnectWidgetOptions) {
  return (
    <figure>
      <figcaption>Usage</figcaption>
      <pre>
        <code>{`import { mountConnectWidget } from 'member-connect/sdk';

const widget = mountConnectWidget({
  frameUrl: 'https://partner.example/connect/frame/',
  sessionToken: () => fetch('/connect-token').then((r) => r.text()),
  onSuccess: ({ memberGuid }) => save(memberGuid),
  onExit: () => widget.destroy(),
});`}</code>
      </pre>
    </figure>
  );
}
