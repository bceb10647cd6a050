// The React widget as a partner types it. skipLibCheck is on (the usual setting): the package's declarations must
// resolve under every moduleResolution, or every prop silently becomes `any` and the errors below never happen.
import { type ConnectExitReason, ConnectWidget, type ConnectWidgetProps } from 'member-connect';

const onExit: ConnectWidgetProps['onExit'] = ({ reason }) => {
  const known: ConnectExitReason = reason;
  console.log(known);
};

export const fine = <ConnectWidget proxyUrl="/api/connect" locale="fr-CA" onExit={onExit} />;

// @ts-expect-error proxyUrl is a string and notAProp is no prop: the issue's exact line must not compile
export const wrong = <ConnectWidget proxyUrl={42} notAProp />;

// @ts-expect-error proxyUrl is a string
export const wrongType = <ConnectWidget proxyUrl={42} />;

// @ts-expect-error notAProp is not a prop of ConnectWidget
export const unknownProp = <ConnectWidget proxyUrl="/api/connect" notAProp />;
