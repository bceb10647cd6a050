import { ConnectBank } from './ConnectBank.jsx';

export default function Page() {
  return (
    <main>
      <h1>Link a bank account</h1>
      <ConnectBank />
    </main>
  );
}
