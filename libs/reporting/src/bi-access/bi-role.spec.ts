import { createHash, createHmac } from 'node:crypto';
import { biRoleName, newBiPassword, scramVerifier } from './bi-role.js';

describe('a BI role', () => {
  describe('its name', () => {
    it('names the partnership, with a suffix for the database', () => {
      expect(biRoleName('sevenoaks-lsp', 'partner_returns')).toMatch(/^bi_sevenoaks-lsp_[0-9a-f]{8}$/);
    });

    it('differs between databases of one server, and is the same each time in one', () => {
      const here = biRoleName('sevenoaks-lsp', 'partner_returns');
      expect(biRoleName('sevenoaks-lsp', 'partner_returns')).toBe(here);
      expect(biRoleName('sevenoaks-lsp', 'partner_returns_demo')).not.toBe(here);
      expect(biRoleName('other-lsp', 'partner_returns')).not.toBe(biRoleName('other-lsq', 'partner_returns'));
    });

    it('fits PostgreSQL identifiers (63 bytes) for the longest partnership id, cutting the readable part', () => {
      const longest = 'a'.repeat(64);
      const name = biRoleName(longest, 'partner_returns');
      expect(name.length).toBeLessThanOrEqual(63);
      expect(name).toMatch(/^bi_a{48}_[0-9a-f]{8}$/);
      // Two long ids alike in their first 48 characters still get two roles.
      expect(biRoleName(`${'a'.repeat(63)}b`, 'partner_returns')).not.toBe(name);
    });

    it.each(['', 'Sevenoaks', 'x"; DROP ROLE postgres; --', 'a b', 'a'.repeat(65), 'é'])(
      'refuses a partnership id that is not one: %j',
      (id) => {
        expect(() => biRoleName(id, 'partner_returns')).toThrow(
          expect.objectContaining({ code: 'invalid-id', kind: 'unprocessable', field: 'partnershipId' }),
        );
      },
    );
  });

  it('gets a new password of 192 random bits each time, in URL-safe characters', () => {
    const passwords = new Set(Array.from({ length: 50 }, newBiPassword));
    expect(passwords.size).toBe(50);
    for (const password of passwords) expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  describe('its SCRAM-SHA-256 verifier', () => {
    // RFC 7677's example: user "user", password "pencil", salt W22ZaJ0SNY7soEsUEjb6gQ== at 4096 iterations.
    const salt = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');

    it("lets RFC 7677's example exchange prove the password, both ways", () => {
      const match = /^SCRAM-SHA-256\$4096:W22ZaJ0SNY7soEsUEjb6gQ==\$([^:]+):(.+)$/.exec(
        scramVerifier('pencil', salt),
      );
      expect(match).not.toBeNull();
      const [storedKey, serverKey] = [Buffer.from(match![1], 'base64'), Buffer.from(match![2], 'base64')];
      const authMessage =
        'n=user,r=rOprNGfwEbeRWgbNEkqO,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,' +
        's=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
      // The server's check of the client's proof: ClientKey = proof XOR HMAC(StoredKey, message), H(ClientKey) = StoredKey.
      const proof = Buffer.from('dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=', 'base64');
      const signature = createHmac('sha256', storedKey).update(authMessage).digest();
      const clientKey = Buffer.from(proof.map((byte, i) => byte ^ signature[i]));
      expect(createHash('sha256').update(clientKey).digest().equals(storedKey)).toBe(true);
      // The client's check of the server: its signature is HMAC(ServerKey, message).
      expect(createHmac('sha256', serverKey).update(authMessage).digest('base64')).toBe(
        '6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
      );
    });

    it('is salted afresh each time, so one password never gives the same verifier twice', () => {
      expect(scramVerifier('same')).not.toBe(scramVerifier('same'));
      expect(scramVerifier('same')).toMatch(
        /^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}:[A-Za-z0-9+/=]{44}$/,
      );
    });
  });
});
