import { checkWebhookUrl, isPublicAddress } from './url-guard';

describe('webhook URL guard (SSRF)', () => {
  it('takes public unicast addresses only', () => {
    for (const a of ['8.8.8.8', '1.1.1.1', '2001:4860:4860::8888']) expect(isPublicAddress(a)).toBe(true);
    for (const a of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fe80::1', 'fc00::1', '::ffff:127.0.0.1', '224.0.0.1', 'nonsense']) {
      expect(isPublicAddress(a)).toBe(false);
    }
  });

  it('refuses other schemes, credentials and private targets unless allow-listed', async () => {
    expect(await checkWebhookUrl('ftp://8.8.8.8/x', [])).toMatch(/http\(s\)/);
    expect(await checkWebhookUrl('not a url', [])).toMatch(/absolute URL/);
    expect(await checkWebhookUrl('http://u:p@8.8.8.8/', [])).toMatch(/credentials/);
    expect(await checkWebhookUrl('http://127.0.0.1:9/hook', [])).toMatch(/loopback, private or link-local/);
    expect(await checkWebhookUrl('http://[::1]:9/hook', [])).toMatch(/loopback/);
    expect(await checkWebhookUrl('http://169.254.169.254/latest/meta-data', [])).toMatch(/link-local/);
    expect(await checkWebhookUrl('http://localhost:9/hook', [])).toMatch(/resolves to/);
    expect(await checkWebhookUrl('http://127.0.0.1:9/hook', ['127.0.0.1'])).toBeUndefined();
    // the allowlist is of hosts as written: a name resolving to an allowed address is not allowed
    expect(await checkWebhookUrl('http://localhost:9/hook', ['127.0.0.1'])).toMatch(/resolves to/);
    expect(await checkWebhookUrl('http://localhost:9/hook', ['localhost'])).toBeUndefined();
    expect(await checkWebhookUrl('https://8.8.8.8/hook', [])).toBeUndefined();
  });
});
