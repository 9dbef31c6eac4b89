// FALLBACK ONLY: a deliberately tiny set of templates so the world has inbound
// emails before the real grammar (src/ml/inbound/corpus/) is plugged in. Far
// too regular to train a classifier on; do not use it for inbound triage models.
import type { InboundType, Language } from '../types.js';
import type { EmailRequest, EmailSource, SourcedEmail } from './source.js';

type Template = readonly [subject: string, body: string];

const EN: Record<InboundType, readonly Template[]> = {
  dispute: [
    ['Re: invoice {inv}', 'Hello,\nWe do not agree with invoice {inv}: {reason}. Please put it on hold until this is sorted out.\n{sig}'],
    ['Problem with {inv}', 'Hi,\nthe amount on {inv} is wrong, we will not pay it as is.\n{sig}'],
  ],
  invoice_copy: [['Copy of invoice {inv}', 'Hello,\nCould you send us a copy of invoice {inv}? We cannot find it.\nThanks,\n{sig}']],
  payment_link: [['Payment link', 'Hi,\nCan you send a link so we can pay {inv} by card?\n{sig}']],
  po_number: [['PO number for {inv}', 'Hello,\nOur AP team needs the PO number for invoice {inv} before paying.\n{sig}']],
  unsubscribe: [['Unsubscribe', 'Please remove this address from your reminder emails.\n{sig}']],
  promise_to_pay: [
    ['Re: reminder {inv}', 'Hello,\nSorry for the delay, {inv} will be paid by {date}.\n{sig}'],
    ['Payment of {inv}', 'Hi, we will pay {amount} USD on {date}. Regards,\n{sig}'],
  ],
  payment_confirmation: [['Payment sent', 'Hello,\nThe payment for {inv} was sent today.\nBest regards,\n{sig}']],
  payment_plan: [['Instalments for {inv}', 'Hello,\nWe would like to pay {inv} in several instalments. Is that possible?\n{sig}']],
  contact_update: [['New contact for invoices', 'Hello,\nPlease note that invoices should now be sent to our new accounts payable contact.\n{sig}']],
  other: [['Question', 'Hello,\nCould someone from your team call me about our account?\n{sig}']],
};

const FR: Record<InboundType, readonly Template[]> = {
  dispute: [['Re : facture {inv}', 'Bonjour,\nNous contestons la facture {inv} : {reason}. Merci de la bloquer en attendant.\n{sig}']],
  invoice_copy: [['Copie de facture {inv}', 'Bonjour,\nPouvez-vous nous renvoyer la facture {inv} ?\nMerci,\n{sig}']],
  payment_link: [['Lien de paiement', 'Bonjour,\nPouvez-vous nous envoyer un lien pour payer {inv} par carte ?\n{sig}']],
  po_number: [['Numéro de commande {inv}', 'Bonjour,\nIl nous faut le numéro de bon de commande pour la facture {inv}.\n{sig}']],
  unsubscribe: [['Désabonnement', 'Merci de retirer cette adresse de vos relances.\n{sig}']],
  promise_to_pay: [['Re : relance {inv}', 'Bonjour,\nLa facture {inv} sera réglée le {date}.\n{sig}']],
  payment_confirmation: [['Paiement effectué', 'Bonjour,\nLe règlement de {inv} est parti aujourd’hui.\nCordialement,\n{sig}']],
  payment_plan: [['Échéancier {inv}', 'Bonjour,\nPouvons-nous régler {inv} en plusieurs fois ?\n{sig}']],
  contact_update: [['Nouveau contact', 'Bonjour,\nMerci d’adresser désormais les factures à notre nouveau contact comptabilité.\n{sig}']],
  other: [['Question', 'Bonjour,\nPouvez-vous me rappeler au sujet de notre compte ?\n{sig}']],
};

const TEMPLATES: Record<Language, Record<InboundType, readonly Template[]>> = { en: EN, fr: FR };

function fill(text: string, request: EmailRequest): string {
  const c = request.context;
  return text
    .replaceAll('{inv}', c.invoiceNumbers.join(', ') || 'our account')
    .replaceAll('{amount}', c.amount.toFixed(2))
    .replaceAll('{date}', c.promisedDate ?? 'next week')
    .replaceAll('{reason}', 'the quantities do not match')
    .replaceAll('{sig}', `${c.contactName}\n${c.customerName}`);
}

export const fallbackEmailSource: EmailSource = {
  kind: 'fallback',
  write(request: EmailRequest): SourcedEmail {
    const options = TEMPLATES[request.language][request.type];
    const [subject, body] = options[Math.min(options.length - 1, Math.floor(request.draw * options.length))];
    return {
      subject: fill(subject, request),
      body: fill(body, request),
      language: request.language,
      type: request.type,
      secondaryTypes: [],
      sentiment: request.sentiment,
      entities: {
        invoiceNumbers: request.context.invoiceNumbers,
        amount: request.context.amount,
        promisedDate: request.context.promisedDate,
      },
    };
  },
};
