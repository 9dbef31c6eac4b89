import { describe, expect, it } from 'vitest';
import { generateWorld, type EmailSource } from '../../src/world/index.js';
import { smallWorld } from './factories.js';

describe('when inbound emails are generated', () => {
  it('ties them to events: reminder replies point at a replied reminder', () => {
    const world = smallWorld();
    const comms = new Map(world.rows.communications.map((c) => [c.externalId, c]));
    const messages = new Map(world.rows['inbound-messages'].map((m) => [m.externalId, m]));
    for (const [id, t] of Object.entries(world.truth.messages)) {
      if (t.event !== 'reminder_reply') continue;
      const reminder = comms.get(t.inReplyTo!)!;
      expect(reminder.repliedAt).toBe(messages.get(id)!.receivedAt);
    }
  });

  it('writes about a promise to pay when the collector recorded one from that reply', () => {
    const world = smallWorld();
    const promised = Object.values(world.truth.messages).filter((t) => t.type === 'promise_to_pay' && t.event === 'reminder_reply');
    expect(promised.length).toBeGreaterThan(0);
    for (const t of promised) expect(t.invoiceExternalIds.some((id) => world.truth.promises[id])).toBe(true);
  });

  it('uses an injected email source and records its kind and labels in the truth', () => {
    const calls: string[] = [];
    const source: EmailSource = {
      kind: 'corpus',
      write(request) {
        calls.push(request.type);
        return { subject: 'S', body: `B ${request.type}`, language: request.language, type: request.type, secondaryTypes: ['other'], sentiment: request.sentiment };
      },
    };
    const world = generateWorld({ customers: 40, months: 12, seed: 3, emailSource: source });
    expect(calls.length).toBe(world.rows['inbound-messages'].length);
    for (const m of world.rows['inbound-messages']) {
      const t = world.truth.messages[m.externalId];
      expect(t.source).toBe('corpus');
      expect(m.body).toBe(`B ${t.type}`);
      expect(t.secondaryTypes).toEqual(['other']);
    }
  });
});
