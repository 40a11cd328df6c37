import { coordinatorEscalationMail } from './coordinator-escalation.js';

const agency = (agencyName: string, ref: string) => ({
  agencyName,
  dueDate: '2020-04-21',
  returns: [{ ref, text: 'Reduce <harm>', state: 'not started', dueDate: '2020-04-21' }],
  link: `https://returns.kent.gov.uk/coordinate/cycles/y1/agencies/${ref}`,
});

describe('coordinatorEscalationMail', () => {
  const mail = (agencies: ReturnType<typeof agency>[]) =>
    coordinatorEscalationMail({
      to: 'cora@kent.gov.uk',
      name: 'Cora',
      partnershipName: 'Sevenoaks LSP',
      cycleLabel: 'Year 1',
      step: '2020-05-13',
      overdueChases: 2,
      agencies,
    });

  it('lists every agency with what it owes and its link, in text and escaped HTML', () => {
    const m = mail([agency('Police & Crime', 'P1'), agency('Council', 'C1')]);
    expect(m.subject).toBe("Sevenoaks LSP: 2 agencies' returns for Year 1 are still overdue");
    for (const text of ['Police & Crime (due Tuesday 21 April 2020)', '  P1  Reduce <harm>', 'agencies/C1'])
      expect(m.text).toContain(text);
    expect(m.text).toContain('one mail for every agency escalated on Wednesday 13 May 2020');
    expect(m.html).toContain('Police &amp; Crime');
    expect(m.html).toContain('Reduce &lt;harm&gt;');
    expect(m.html).not.toContain('<harm>');
  });

  it('speaks of one agency as one', () => {
    expect(mail([agency('Council', 'C1')]).subject).toBe(
      "Sevenoaks LSP: 1 agency's returns for Year 1 are still overdue",
    );
  });
});
