'use client';
import 'member-connect/styles.css';

import { ConnectWidget } from 'member-connect';
import { useState } from 'react';

const sessionToken = () =>
  fetch('/connect-token')
    .then((response) => response.json())
    .then((body) => body.sessionToken);

export function ConnectBank() {
  const [result, setResult] = useState('');
  return (
    <>
      <ConnectWidget
        proxyUrl="/api/connect"
        sessionToken={sessionToken}
        onSuccess={({ memberGuid, institutionCode }) => setResult(`Connected ${institutionCode} (${memberGuid})`)}
        onExit={({ reason }) => setResult(`Not connected: ${reason}`)}
      />
      <p role="status">{result}</p>
    </>
  );
}
