import { FROWN, SMILE } from '../text/normalize.js';
import { PhraseIndex } from '../text/phraseIndex.js';

// A hand-written bilingual sentiment lexicon for B2B email, folded (lower
// case, no accents). Weights run from -3 (fury, legal threats) to +3 (warm
// thanks). Business words that sound negative but are factual in a dispute
// ("erroné", "damaged", "late") are deliberately absent or near zero: a polite
// dispute is not an angry one. A trailing * matches any ending of the word.
// Phrases of weight 0 are neutralisers: matched first, they stop "no problem"
// or "merci d'avance" from counting as sentiment.

export type LexiconTag = 'legal' | 'apology' | 'formula';

export interface LexiconEntry {
  weight: number;
  tag?: LexiconTag;
}

const NEGATIVE: Array<[string, number]> = [
  // French
  ['inadmissible*', -3], ['inacceptable*', -3], ['scandal*', -3], ['honteu*', -3], ['honte', -2.5], ['lamentable*', -3], ['deplorable*', -2.5],
  ['furieu*', -3], ['colere', -2.5], ['exaspere*', -2.5], ['exasperant*', -2.5], ['excede*', -2.5], ['agace*', -2], ['agacant*', -2], ['enerve*', -2],
  ['insupportable*', -2.5], ['penible*', -2], ['decu', -2], ['decue*', -2], ['decus', -2], ['deception*', -2], ['mecontent*', -2], ['insatisf*', -2],
  ['frustr*', -2], ['ridicule*', -2.5], ['absurde*', -2], ['harcelement', -2.5], ['harceler', -2.5], ['incompeten*', -2.5], ['catastroph*', -2.5],
  ['desastre*', -2.5], ['desastreu*', -2.5], ['affligeant*', -2.5], ['choque*', -2], ['choquant*', -2], ['intolerable*', -3],
  ['revoltant*', -3], ['indigne*', -2.5], ['desagreable*', -2], ['agressi*', -2], ['mediocre*', -2], ['nul', -1.5], ['nulle', -1.5],
  ['lassant*', -2], ['marre', -2.5], ['deplorons', -2], ['regrettable*', -1.5], ['deplacee', -2], ['deplacees', -2], ['inquiet*', -0.8], ['mauvais*', -1], ['horrible*', -2.5], ['pire', -2],
  ['plainte', -1], ['menace*', -1.5], ['abus', -2], ['abusi*', -2], ['arnaque*', -3], ['escroquer*', -3], ['inexcusable*', -3],
  ['irrespectueu*', -2.5], ['impoli*', -2], ['desinvolture', -2], ['amateurisme', -2.5],
  ["n'importe quoi", -2.5], ["j'en ai assez", -2.5], ["nous en avons assez", -2.5], ['ras le bol', -2.5], ['perdre patience', -2], ['perdons patience', -2],
  ['manque de serieux', -2.5], ['manque de professionnalisme', -2.5], ['pas serieux', -2], ['pas professionnel', -2], ['pas normal', -1.5],
  ['revoir notre collaboration', -2], ['mettre fin a notre collaboration', -2.5], ['troisieme fois', -1.5], ['enieme fois', -2], ['deuxieme fois', -1],
  ['jamais eu autant de problemes', -2.5], ['trois fois', -1.5], ['deux fois deja', -1.5], ['plusieurs fois', -1], ['combien de fois', -2],
  ['encore une fois', -1], ['encore une erreur', -1.5], ['yet another', -1.5], ['another mistake', -1.5], ['another error', -1.5], ['je vous ai deja', -1.5], ['nous vous avons deja', -1.5], ['deja demande', -1.5], ['toujours pas', -0.8], ['personne ne repond', -2], ['tres decu', -2.5], ['vraiment decu', -2.5],
  // English
  ['unacceptable', -3], ['outrage*', -3], ['shameful', -3], ['disgrace*', -3], ['appalling', -3], ['pathetic', -3], ['deplorable', -2.5],
  ['furious', -3], ['angry', -2.5], ['anger', -2.5], ['exasperat*', -2.5], ['annoy*', -2], ['irritat*', -2], ['infuriat*', -3], ['unbearable', -2.5],
  ['nuisance', -2], ['disappoint*', -2], ['unhappy', -2], ['dissatisf*', -2], ['frustrat*', -2], ['ridiculous', -2.5], ['absurd', -2],
  ['harass*', -2.5], ['disaster*', -2.5], ['shocking', -2], ['shocked', -2], ['intolerable', -3], ['rude', -2],
  ['inappropriate', -2], ['aggressive', -2], ['terrible', -2.5], ['awful', -2.5], ['horrible', -2.5], ['worst', -2.5], ['useless', -2],
  ['poor', -1], ['bad', -1], ['upset', -2], ['livid', -3], ['fed up', -2.5], ['sick and tired', -3], ['running out of patience', -2],
  ['lose patience', -2], ['losing patience', -2], ['lack of professionalism', -2.5], ['unprofessional', -2.5], ['not serious', -2], ['not professional', -2],
  ['a joke', -2], ['reconsider our business relationship', -2], ['reconsidering our business relationship', -2], ['third time', -1.5],
  ['fourth time', -2], ['second time', -1], ['nobody ever answers', -2], ['scam', -3], ['rip off', -3], ['ripoff', -3], ['inexcusable', -3],
  ['disrespectful', -2.5], ['complain*', -1], ['threat*', -1.5], ['abusive', -2], ['so many problems', -2], ['never had so many problems', -2.5],
  ['very disappointed', -2.5], ['already asked', -1.5], ['asked twice', -1.5], ['asked three times', -2], ['times already', -1.5], ['how many times', -2],
  ['still getting', -1], ['still receiving', -1], ['once again', -1], ['told your team', -1.5], ['have asked you', -1.5], ['asked you', -1.5], ['not helping', -2], ['not helpful', -2], ['constant pressure', -1.5], ['pression constante', -1.5], ['deeply disappointed', -2.5], ['not acceptable', -3], ['mess', -1.5], ['chaos', -2], ['sloppy', -2], ['fiasco', -2.5],
  ['unbelievable', -2], ['not impressed', -2], ['waste of time', -2], ['enough is enough', -2.5], ['for the last time', -2], ['baffled', -1.5],
  ['sort it out', -1.5], ['nightmare', -2.5], ['hopeless', -2], ['shambles', -2.5], ['no excuse', -2], ['sick of', -2.5], ['tired of', -2],
  ['stop chasing', -1.5], ['owe us an apology', -2.5], ['third time asking', -2], ['second time asking', -1.5], ['asking again', -1.5], ['second request', -1.5], ['third request', -2], ['troisieme demande', -2], ['deuxieme demande', -1.5], ['je redemande', -1.5],
  // Being chased for something already settled or contested: irritation without an angry word.
  ['still being chased', -2], ['still chasing', -2], ['keep chasing', -2], ['keep sending', -1.5], ['why are we still', -1.5], ['not sure why we', -1],
  ['continuez a nous relancer', -2], ['continuez a me relancer', -2], ['pourquoi vous continuez', -1.5], ['je ne comprends pas pourquoi', -1], ['clearly do not read', -2], ['do not even read', -2], ['how hard can it be', -2.5],
  // Quiet irritation: no angry word, but the customer has said it before, is
  // still waiting, or is being chased for nothing. Collectors read these as
  // negative, and an automatic answer to them reads as not listening.
  ['as mentioned', -1], ['as i mentioned', -1.5], ['as previously mentioned', -1.5], ['as already mentioned', -1.5], ['as stated', -1],
  ['as i said', -1.5], ['like i said', -1.5], ['as i already', -1.5], ['as we already', -1.5], ['already told', -1.5], ['already explained', -1.5],
  ['already sent you', -1.5], ['told you', -1.5], ['told your', -1.5], ['still waiting', -1.5], ['still nothing', -1.5], ['still no', -1],
  ['still have not', -1.5], ['yet again', -1.5], ['again and again', -2], ['not for the first time', -1.5], ['nobody answers', -2],
  ['no one answers', -2], ['nobody replies', -2], ['no one replies', -2], ['nobody gets back', -2], ['every other day', -1.5],
  ['daily reminders', -1.5], ['check your records', -1.5], ['check your own', -1.5], ['before sending', -1], ['for weeks now', -1.5],
  ['comme deja indique', -1.5], ['comme indique', -1], ['comme deja dit', -1.5], ['comme deja precise', -1.5], ['comme deja mentionne', -1.5],
  ['deja indique', -1.5], ['deja dit', -1.5], ['deja signale', -1.5], ['deja explique', -1.5], ['deja precise', -1.5], ['deja communique', -1.5],
  ['deja relance', -1.5], ['je le repete', -1.5], ['je vous le redis', -1.5], ['deux fois', -1], ['toujours en attente', -1.5], ['toujours rien', -1.5],
  ['toujours aucune', -1.5], ['encore une relance', -1.5], ['inutile de relancer', -2], ['inutile de nous relancer', -2], ['tous les jours', -1],
  ['verifiez vos comptes', -1.5], ['verifier vos comptes', -1.5], ['avant d envoyer', -1], ['depuis des semaines', -1.5],
  // Waiting for an answer that never came, and one more reminder on top of it:
  // the quiet irritation that reads neutral word by word. Phrased whole
  // ("toujours pas de réponse", not "pas de réponse") so a plain "no answer
  // needed" stays neutral, and with the negation inside the phrase so that
  // "I do not expect another reminder" is not read as a negated complaint.
  ['still no answer', -1.5], ['still no reply', -1.5], ['still no response', -1.5], ['still no word', -1.5], ['still no news', -1.5],
  ['still no update', -1.5], ['still not heard', -1.5], ['still awaiting', -1.5], ['never heard back', -1.5], ['not heard back', -1.5],
  ['nobody got back', -2], ['no one got back', -2], ['no one has replied', -2], ['nobody has replied', -2], ['unanswered', -1.5],
  ['do not expect another', -1.5], ['do not want another', -1.5], ['do not need another', -1.5], ['another reminder', -1],
  ['no need to email', -1.5], ['no need to chase', -1.5], ['no need to remind', -1.5], ['every two days', -1.5], ['every few days', -1.5],
  ['toujours pas de reponse', -1.5], ['toujours pas de retour', -1.5], ['toujours pas eu de reponse', -1.5], ['toujours pas eu de retour', -1.5],
  ['toujours sans reponse', -1.5], ['toujours sans nouvelles', -1.5], ['toujours sans retour', -1.5], ['toujours aucun', -1.5],
  ['attendons toujours', -1.5], ['attends toujours', -1.5], ['attend toujours', -1.5], ['attendons encore', -1], ['attends encore', -1],
  ['reste sans reponse', -1.5], ['restee sans reponse', -1.5], ['restees sans reponse', -1.5], ['restes sans reponse', -1.5],
  ['jamais eu de reponse', -1.5], ['jamais eu de retour', -1.5], ['personne ne nous a repondu', -2], ['personne ne m a repondu', -2],
  ['pas eu de reponse', -1], ['pas eu de retour', -1], ['une nouvelle relance', -1], ['pas la peine de nous relancer', -1.5], ['pas la peine de relancer', -1.5],
  ['tous les deux jours', -1.5],
  // French, more
  ['epuisant*', -2], ['usant', -2], ['perte de temps', -2], ["trop c'est trop", -2.5], ['pour la derniere fois', -2], ['sidere*', -2], ['aberrant*', -2.5],
  ['cauchemar*', -2.5], ['degoute*', -2.5], ['agacement', -2], ['irrite*', -2], ['harcel*', -2.5], ['incessant*', -1.5], ['grotesque*', -2.5],
  ["n'arrange rien", -1.5], ['arretez', -1], ['aucune excuse', -2], ['ne lisez pas', -2], ['ne lisez meme pas', -2.5],
];

const LEGAL: Array<[string, number]> = [
  ['avocat*', -2], ['tribunal', -2], ['tribunaux', -2], ['mise en demeure', -2], ['action en justice', -2.5], ['en justice', -2], ['justice', -1.5],
  ['huissier*', -2], ['poursuites', -2], ['poursuivre en justice', -2.5], ['procedure judiciaire', -2.5], ['procedure contentieuse', -2],
  ['service juridique', -1.5], ['notre conseil juridique', -1.5], ['juridiquement', -1.5], ["prud'hommes", -2], ['plainte penale', -2.5],
  ['lawyer*', -2], ['attorney*', -2], ['solicitor*', -2], ['to court', -2], ['in court', -2], ['court proceedings', -2.5], ['court action', -2.5], ['court order', -2], ['lawsuit', -2.5],
  // Never the bare verb: Sue is a first name ("please contact Sue", "Thanks Sue, you...").
  ['will sue', -2.5], ['to sue', -2.5], ['going to sue', -2.5], ['shall sue', -2.5], ['sue your company', -2.5],
  ['legal action', -2.5], ['legal proceedings', -2.5], ['legal department', -1.5], ['legal team', -1.5], ['legal steps', -2], ['legal counsel', -2],
  ['small claims', -2], ['litigation', -2], ['formal notice', -1.5], ['counsel', -2],
];

const POSITIVE: Array<[string, number]> = [
  // French
  ['merci beaucoup', 2], ['merci infiniment', 2.5], ['mille mercis', 2.5], ['merci mille fois', 2.5], ['grand merci', 2.5], ['un grand merci', 2.5],
  ['merci encore', 1.5], ['encore merci', 1.5], ['merci sincerement', 2], ['remercie sincerement', 2], ['vous remercie vivement', 2], ['chaleureusement', 2],
  ['apprecie*', 1.5], ['appreciable', 1.5], ['ravi', 2], ['ravie', 2], ['ravis', 2], ['enchante*', 2], ['suis content', 1.5], ['suis contente', 1.5], ['sommes contents', 1.5], ['tres content', 2], ['tres contente', 2],
  ['satisfait*', 1.5], ['heureu*', 1.5], ['super', 1.5], ['genial*', 2], ['parfait*', 1.5], ['excellent*', 2], ['formidable*', 2], ["c'est top", 1.5],
  ['bravo', 2], ['felicitations', 2], ['plaisir', 2], ['precieu*', 1.5], ['gentillesse', 2], ['gentil', 1.5], ['gentille', 1.5], ['aimable*', 1.5],
  ['bienveillance', 1.5], ['reactivite', 1.2], ['efficace*', 1.2], ['efficacite', 1.2], ['comprehension', 0.8], ['patience', 0.8], ['flexibilite', 1],
  ['souplesse', 1], ['bonne nouvelle', 1.5], ['au top', 2], ['reconnaissant*', 2], ['reconnaissance', 1.5], ['merveille*', 2], ['agreable*', 1],
  ['serviable*', 1.5], ['confiance', 0.8], ['fidele*', 0.8], ['satisfaction', 1.5],
  // English
  ['thank you so much', 2.5], ['thanks so much', 2.5], ['thanks a lot', 2], ['thanks a million', 2.5], ['thx a million', 2.5], ['thx a lot', 2], ['thx so much', 2.5], ['merci bcp', 2], ['many thanks for', 1.5], ['big thank you', 2.5],
  ['thanks again', 1.5], ['thanks for the nudge', 1.5], ['thanks for the reminder', 1], ['merci pour le rappel', 1], ['merci pour la relance', 1], ['thank you again', 1.5], ['sincerely appreciate', 2], ['really appreciate', 2], ['much appreciated', 2], ['greatly appreciated', 2],
  ['appreciat*', 1.5], ['grateful', 2], ['delighted', 2], ['glad', 1.5], ['pleased', 1.5], ['happy with', 1.5], ['happy', 1.5], ['very happy', 2], ['satisfied', 1.5],
  ['great', 1.5], ['brilliant', 2], ['perfect', 1.5], ['excellent', 2], ['wonderful', 2], ['fantastic', 2], ['awesome', 2], ['amazing', 2],
  ['pleasure', 1.5], ['helpful', 1.5], ['kindness', 2], ['so kind', 2], ['very kind', 2], ['understanding', 0.5], ['flexibility', 1],
  ['flexible', 0.8], ['good news', 1.5], ['lovely', 1.5], ['efficient', 1.2], ['quick response', 1], ['superb', 2], ['cheers', 0.3],
  ['well done', 2], ['congratulations', 2], ['nice', 1], ['good', 0.5], ['love', 1.5],
];

// Matched before anything else; they carry no sentiment of their own.
const NEUTRAL: Array<[string, number, LexiconTag?]> = [
  ['pas de souci', 0.3], ['pas de soucis', 0.3], ['pas de probleme', 0.3], ['aucun probleme', 0.3], ['aucun souci', 0.3], ['sans probleme', 0.2],
  ['pas grave', 0.3], ["pas d'inquietude", 0.3], ['ne vous inquietez pas', 0.3], ['no problem', 0.3], ['no worries', 0.3], ['not a problem', 0.3],
  ['no issue', 0.2], ['no issues', 0.2], ['not to worry', 0.3],
  ["merci d'avance", 0, 'formula'], ['merci par avance', 0, 'formula'], ['thanks in advance', 0, 'formula'], ['thank you in advance', 0, 'formula'],
  ['merci de votre retour', 0, 'formula'], ['merci pour votre message', 0, 'formula'], ['thanks for your email', 0, 'formula'], ['thank you for your email', 0, 'formula'],
  ['kind regards', 0, 'formula'], ['best regards', 0, 'formula'], ['warm regards', 0, 'formula'], ['happy to', 0.3], ['merci de votre comprehension', 0.4], ['merci pour votre comprehension', 0.4], ['merci de votre patience', 0.4],
  ['thank you for your understanding', 0.4], ['thanks for your understanding', 0.4], ['thank you for your patience', 0.6], ['auriez-vous la gentillesse', 0.3], ['avoir la gentillesse', 0.3], ['would appreciate', 0.2], ['appreciate it if', 0.2], ['apprecierions', 0.2], ['apprecierais', 0.2], ['apprecierait', 0.2], ['good morning', 0, 'formula'],
  ['good afternoon', 0, 'formula'], ['bonne journee', 0, 'formula'], ['bonne reception', 0, 'formula'], ['great day', 0.8], ['meilleurs delais', 0, 'formula'],
  ['bon de commande', 0], ['bon de livraison', 0], ['bonne a payer', 0], ['bon a payer', 0], ['good condition', 0], ['goods', 0], ['court terme', 0], ['delai court', 0],
  ['legal entity', 0], ['entite juridique', 0], ['poor condition', -0.5], ['mauvais etat', -0.5], ['mauvaise entite', 0], ['mauvais numero', 0],
  ['mauvaise adresse', 0], ['wrong', 0], ['dispute', 0],
  // Paying in instalments ("en trois fois") is a plan, not "for the third time".
  ['en deux fois', 0], ['en trois fois', 0], ['en quatre fois', 0], ['en plusieurs fois', 0],
  // Offering to settle together is cooperation, not the impatient "sort it out".
  ['sort it out with you', 0.2], ['sort this out with you', 0.2], ['sort it out together', 0.2], ['sort this out together', 0.2],
  ['desole', 0, 'apology'], ['desolee', 0, 'apology'], ['desoles', 0, 'apology'], ['excuses', 0, 'apology'], ['pardon', 0, 'apology'],
  ['sorry', 0, 'apology'], ['apologies', 0, 'apology'], ['apologise', 0, 'apology'], ['apologize', 0, 'apology'],
];

/** Emoji, as tokenize writes them: their weight, and what a reason calls them. */
export const EMOJI: Record<string, { weight: number; name: string }> = {
  [FROWN]: { weight: -2, name: 'angry emoji' },
  [SMILE]: { weight: 1, name: 'friendly emoji' },
};

function entries(): Array<[string, LexiconEntry]> {
  return [
    ...Object.entries(EMOJI).map(([t, e]): [string, LexiconEntry] => [t, { weight: e.weight }]),
    ...NEGATIVE.map(([t, w]): [string, LexiconEntry] => [t, { weight: w }]),
    ...LEGAL.map(([t, w]): [string, LexiconEntry] => [t, { weight: w, tag: 'legal' }]),
    ...POSITIVE.map(([t, w]): [string, LexiconEntry] => [t, { weight: w }]),
    ...NEUTRAL.map(([t, w, tag]): [string, LexiconEntry] => [t, { weight: w, tag }]),
  ];
}

export const LEXICON = new PhraseIndex<LexiconEntry>(entries());

export const NEGATORS = new Set(['pas', 'jamais', 'aucun', 'aucune', 'sans', 'ni', 'guere', 'rien', 'not', 'no', 'never', 'without', 'nor', 'hardly', 'nothing', 'none']);
export const INTENSIFIERS = new Set(['tres', 'vraiment', 'extremement', 'tellement', 'totalement', 'absolument', 'particulierement', 'profondement', 'very', 'really', 'extremely', 'so', 'totally', 'absolutely', 'completely', 'deeply', 'truly', 'utterly', 'incredibly']);
