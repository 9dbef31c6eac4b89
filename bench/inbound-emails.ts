// The emails both inbound benches score: one per common case, French and English.
export const BENCH_EMAILS = [
  { subject: 'RE: Reminder invoice INV-20931', body: 'Hello, could you send us a copy of invoice INV-20931? We cannot find it in our system. Thanks, Maria' },
  { subject: 'Facture FA-2291', body: "Bonjour, nous contestons la facture FA-2291 : les quantités livrées ne correspondent pas au bon de commande. Cordialement" },
  { subject: 'Payment', body: 'We will pay invoice 4471 on Friday 12 December, sorry for the delay.' },
  { subject: 'RE: Relance', body: 'Bonjour, le virement a été effectué hier pour les factures 118 et 119. Bonne journée' },
];
