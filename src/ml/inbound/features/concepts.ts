// Hand-written bilingual concepts of collections email: the many ways to say
// "send", "copy", "bank details", "from now on"… mapped to one feature each.
// A model trained on a few phrasings then recognises a phrasing it never saw,
// as long as its words belong to a known concept. Folded words; * = any ending.
import { PhraseIndex } from '../text/phraseIndex.js';

const CONCEPTS: Record<string, string[]> = {
  INVOICE: ['facture*', 'fact', 'fac', 'invoice*', 'inv', 'bill', 'bills', 'billing'],
  COPY: ['copie*', 'duplicata*', 'duplicatas', 'exemplaire*', 'pdf', 'original', 'originale', 'copy', 'copies', 'reprint', 'scan', 'scanned', 'document', 'documents', 'piece jointe', 'attachment', 'attached copy', 'statement', 'statements', 'statement of account', 'releve', 'releve de compte', 'duplicate copy'],
  SEND: ['envoyer', 'envoyez', 'envoie', 'renvoyer', 'renvoyez', 'renvoie', 'reenvoyer', 'transmettre', 'transmettez', 'faire parvenir', 'faire suivre', 'adresser', 'reexpedier', 'joindre', 'deposer', 'redeposer', 'send', 'resend', 'forward', 'email me', 'email us', 'mail me', 'share', 'upload', 're-send', 'send over', 'reissue a copy', 'provide'],
  MISSING: ['jamais recu', 'jamais recue', 'pas recu', 'pas recue', 'pas eu', 'manque', 'manquant*', 'perdu*', 'egare*', 'retrouve pas', 'trouve pas', 'introuvable*', 'illisible*', 'corrompu*', 'ne s ouvre pas', 'never received', 'not received', 'did not receive', 'have not received', 'missing', 'lost', 'misplaced', 'can not find', 'could not find', 'unable to find', 'corrupted', 'unreadable', 'will not open', 'never got', 'never arrived', 'no record'],
  PAY_ONLINE: ['lien', 'liens', 'link', 'links', 'en ligne', 'online', 'carte', 'cb', 'carte bancaire', 'card', 'credit card', 'portail', 'portal', 'plateforme', 'platform', 'espace client', 'paypal', 'stripe', 'url'],
  BANK: ['rib', 'iban', 'bic', 'swift', 'coordonnees bancaires', 'references bancaires', 'releve d identite bancaire', 'bank details', 'banking details', 'bank account', 'account details', 'wire instructions', 'remittance details', 'sort code', 'routing number', 'account number', 'mandat', 'sepa', 'prelevement*', 'direct debit', 'ach'],
  HOW_TO_PAY: ['moyen de paiement', 'moyens de paiement', 'mode de paiement', 'modes de paiement', 'comment payer', 'comment regler', 'comment proceder', 'payment method', 'payment methods', 'payment options', 'how to pay', 'how can i pay', 'how do i pay', 'where can i pay', 'ways to pay', 'accept card', 'accept cards', 'payment modalities', 'payment modes', 'accepted payment', 'allowed payment', 'available payment', 'modalites de paiement', 'modalites de reglement', 'accept american express', 'acceptez-vous', 'do you accept'],
  DOC_ACCESS: ['see', 'view', 'look at', 'quick look', 'find', 'locate', 'access', 'download', 'consulter', 'voir', 'acceder', 'acces', 'telecharger', 'retrouver', 'trouver'],
  PO: ['bon de commande', 'bons de commande', 'numero de commande', 'n de commande', 'reference de commande', 'ref de commande', 'bc', 'po', 'pos', 'purchase order', 'purchase orders', 'order number', 'order reference', 'po number', 'commande interne', 'numero de po', 'no de commande'],
  UNSUBSCRIBE: ['desabonner', 'desabonnez', 'desabonnement', 'desinscrire', 'desinscrivez', 'desinscription', 'liste de diffusion', 'ne plus recevoir', 'ne plus me contacter', 'ne plus m envoyer', 'cesser d envoyer', 'arreter d envoyer', 'retirer mon adresse', 'retirer cette adresse', 'unsubscribe*', 'opt out', 'opt-out', 'mailing list', 'distribution list', 'remove me', 'take me off', 'stop sending', 'no longer receive', 'stop emailing', 'remove my address', 'remove this address', 'rgpd', 'gdpr', 'stop'],
  FROM_NOW_ON: ['desormais', 'dorenavant', 'a l avenir', 'a partir de maintenant', 'a compter du', 'a compter de', 'pour la suite', 'going forward', 'from now on', 'in future', 'in the future', 'henceforth', 'with effect from', 'effective'],
  NEW_CONTACT: ['nouvelle adresse', 'nouveau contact', 'nouvel interlocuteur', 'nouvelle interlocutrice', 'interlocuteur', 'interlocutrice', 'successeur', 'remplacant*', 'collegue', 'quitte', 'quitter', 'quitte la societe', 'reprend le dossier', 'prendra le relais', 'en charge', 'n est pas moi', 'ne gere pas', 'plus en charge', 'new address', 'new email', 'new contact', 'new mailbox', 'contact person', 'successor', 'replacement', 'leaving', 'left the company', 'take over', 'taking over', 'no longer responsible', 'not responsible', 'do not handle', 'right contact', 'reach out to', 'please contact', 'merci de contacter', 'contactez', 'mettre a jour', 'update your records', 'update your contact', 'adresse de facturation', 'billing address', 'change our address', 'update our address', 'changement d adresse', 'change of address', 'moved', 'demenage', 'demenagement', 'raison sociale', 'changed its name', 'en copie', 'cc', 'copy in', 'mettre en copie'],
  WILL_PAY: ['reglerons', 'paierons', 'payerons', 'allons regler', 'allons payer', 'vais regler', 'vais payer', 'sera regle', 'sera reglee', 'sera paye', 'sera payee', 'seront reglees', 'sera effectue', 'partira', 'interviendra', 'programme', 'programmer', 'prevu', 'prevue', 'planifie', 'je m engage', 'nous nous engageons', 'prochaine campagne', 'prochain paiement', 'prochaine echeance', 'will pay', 'will be paid', 'will settle', 'will be settled', 'will go out', 'will be made', 'will be sent', 'will be mailed', 'going to pay', 'scheduled', 'planned', 'payment run', 'next run', 'promise', 'commit', 'will clear', 'will process', 'will be processed', 'approved for payment', 'bon a payer', 'bonne a payer'],
  PAID: ['a ete regle', 'a ete reglee', 'a ete paye', 'a ete payee', 'a ete effectue', 'a ete emis', 'a ete envoye', 'ont ete reglees', 'avons regle', 'avons paye', 'avons effectue', 'ai regle', 'ai paye', 'deja regle', 'deja reglee', 'deja paye', 'deja payee', 'est parti', 'est partie', 'sont partis', 'avis de virement', 'preuve de paiement', 'justificatif', 'solde', 'est regle', 'est reglee', 'c est regle', 'execute', 'was paid', 'were paid', 'has been paid', 'have been paid', 'have paid', 'we paid', 'i paid', 'already paid', 'went out', 'was sent', 'was made', 'was released', 'remittance', 'remittance advice', 'proof of payment', 'payment confirmation', 'paid on', 'settled on', 'has been settled', 'was settled', 'cleared', 'went through', 'executed', 'we sent', 'i sent', 'sent a check', 'sent a cheque', 'mailed a check', 'mailed', 'we wired', 'wired', 'avons envoye', 'ai envoye', 'avons poste', 'avons vire', 'c est paye', 'est paye', 'payed'],
  PLAN: ['echeancier', 'echeanciers', 'plusieurs fois', 'en fois', 'mensualite*', 'echelonne*', 'etaler', 'etalement', 'versements', 'delai de paiement', 'delais de paiement', 'facilites de paiement', 'plan de paiement', 'paiement partiel', 'paiements partiels', 'apurer', 'apurement', 'installment*', 'instalment*', 'payment plan', 'payment schedule', 'repayment', 'spread', 'monthly payments', 'payment arrangement', 'staggered', 'partial payment', 'extended terms', 'extension', 'fractionner', 'fractionne*', 'en plusieurs versements', 'split payment', 'split the payment', 'pay in parts', 'half now'],
  CASH_TROUBLE: ['tresorerie', 'difficultes', 'difficile', 'difficiles', 'tendue', 'cash flow', 'cash position', 'difficult', 'difficulties', 'tight', 'struggling', 'hard times'],
  DISPUTE: ['conteste*', 'contestation', 'litige', 'litiges', 'desaccord', 'erreur', 'errone', 'erronee', 'incorrect', 'incorrecte', 'refuse*', 'refusons', 'avoir', 'reclamation', 'rectificative', 'ne correspond pas', 'ne correspondent pas', 'doublon', 'endommage*', 'casse', 'cassee', 'abime*', 'defectueu*', 'non conforme', 'jamais livre*', 'pas livre*', 'annule*', 'ne reconnaissons pas', 'pas due', 'pas du', 'dispute*', 'disputing', 'wrong', 'error', 'credit note', 'discrepancy', 'does not match', 'do not match', 'damaged', 'broken', 'faulty', 'defective', 'never delivered', 'not delivered', 'overcharged', 'overbilling', 'charged twice', 'twice', 'cancelled', 'canceled', 'reject', 'do not recognise', 'do not recognize', 'not due', 'corrected invoice', 'on hold', 'bloque*', 'retenons', 'suspend*'],
  OUT_OF_OFFICE: ['absent', 'absente', 'absence', 'conges', 'vacances', 'de retour', 'serai de retour', 'acces limite', 'en deplacement', 'en formation', 'reponse automatique', 'message automatique', 'out of office', 'out of the office', 'annual leave', 'on leave', 'holiday', 'holidays', 'will return', 'be back', 'back on', 'limited access', 'travelling', 'automatic reply', 'automated response', 'auto reply', 'maternity', 'parental leave', 'ferme', 'fermee', 'closed'],
  ACKNOWLEDGE: ['bien recu', 'bien recue', 'bonne reception', 'accuse reception', 'pris note', 'transmets', 'transmettons', 'transfere', 'revenons vers vous', 'reviens vers vous', 'received', 'noted', 'forwarded', 'passing this on', 'pass this on', 'get back to you', 'look into it', 'looking into it', 'confirm receipt'],
  SALES: ['catalogue', 'devis', 'tarif', 'tarifs', 'grille tarifaire', 'offre', 'commercial', 'rendez-vous', 'reunion', 'rdv', 'catalog', 'quote', 'price list', 'pricing', 'sales rep', 'account manager', 'meeting', 'call me', 'volumes', 'new order', 'nouvelle commande'],
  QUESTION: ['pourriez-vous', 'pouvez-vous', 'pourriez vous', 'pouvez vous', 'serait-il possible', 'est-il possible', 'est-ce que', 'merci de', 'could you', 'can you', 'would you', 'please', 'is it possible', 'would it be possible', 'svp', 'pls', 'kindly'],
  PAYMENT: ['paiement', 'paiements', 'reglement', 'reglements', 'virement', 'virements', 'cheque', 'cheques', 'payer', 'regler', 'payment', 'payments', 'transfer', 'wire', 'check', 'cheque', 'pay', 'paid', 'settle'],
};

/**
 * Words that put a dispute on the table. Not a feature: a safety net for the
 * auto-reply, which must not answer an email that contests anything, even in
 * a side sentence the classifier weighed lightly.
 */
const DISPUTE_WORDING = [
  'conteste*', 'contestation*', 'litige*', 'desaccord', 'dispute*', 'disputing', 'refuse de payer', 'refusons de payer', 'refuse to pay',
  'ne paierons pas', 'ne reglerons pas', 'will not pay', 'will not be paying', 'not paying', 'ne payerons pas', 'avoir', 'credit note',
  'rectificative', 'corrected invoice', 'errone', 'erronee', 'incorrect', 'incorrecte', 'erreur de prix', 'erreur de facturation',
  'pricing error', 'billing error', 'wrong amount', 'wrong price', 'doublon', 'double facturation', 'billed twice', 'charged twice',
  'endommage*', 'casse', 'cassee', 'abime*', 'defectueu*', 'damaged', 'broken', 'faulty', 'defective', 'jamais livre*', 'pas livre*',
  'never delivered', 'not delivered', 'never received the goods', 'overcharg*', 'overbill*', 'non conforme', 'ne correspond pas',
  'does not match', 'do not match', 'reclamation', 'complaint', 'claim',
];

export const DISPUTE_INDEX = new PhraseIndex<true>(DISPUTE_WORDING.map((p): [string, true] => [p, true]));

/** The first dispute wording in folded tokens, or null. */
export function disputeWording(tokens: readonly string[]): string | null {
  for (let i = 0; i < tokens.length; i++) {
    const m = DISPUTE_INDEX.match(tokens, i);
    if (m) return tokens.slice(i, i + m.length).join(' ');
  }
  return null;
}

export const CONCEPT_INDEX = new PhraseIndex<string>(
  Object.entries(CONCEPTS).flatMap(([concept, phrases]) => phrases.map((p): [string, string] => [p, concept])),
);

/** Concepts found in folded tokens (each once), plus shapes the tokenizer left. */
export function conceptsOf(tokens: readonly string[]): Set<string> {
  const found = new Set<string>();
  for (let i = 0; i < tokens.length; ) {
    const t = tokens[i];
    if (t === '<date>' || t === '<day>') found.add('DATE');
    else if (t === '<cur>' || t === 'eur' || t === 'euros' || t === 'usd' || t === 'gbp' || t === 'dollars') found.add('AMOUNT');
    else if (t === '<email>') found.add('EMAIL');
    else if (t === '<phone>') found.add('PHONE');
    const m = CONCEPT_INDEX.match(tokens, i);
    if (m) {
      found.add(m.value);
      i += m.length;
    } else i++;
  }
  return found;
}
