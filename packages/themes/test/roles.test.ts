// Donor, act and recipient roles on real news phrasing (issue 16): one case per new veto and recall
// rule, in Serbian (every Serbian case also runs in Cyrillic), Russian and English. All sentences are
// written for these tests.
import { runCases as run } from "../test-support/cases";

run("eu_aid: the EU as recipient, partner or club is not a donor", [
  { lang: "sr", title: "Rusija je prošle zime isporučila Evropskoj uniji manje gasa", not: ["eu_aid"] },
  { lang: "sr", title: "Kina udvostručila prodaju medicinske opreme u EU", not: ["eu_aid"] },
  { lang: "sr", title: "Srbija se nada ulasku u EU do kraja decenije", not: ["eu_aid"] },
  { lang: "sr", title: "Zemlje članice EU pomogle Grčkoj posle požara", not: ["eu_aid"] },
  { lang: "sr", title: "Misija EU pomaže policiji u Sarajevu", not: ["eu_aid"] },
  { lang: "sr", title: "Na putu ka EU Srbija dobila 40 miliona evra iz IPA fondova", has: ["eu_aid"] },
  { lang: "ru", title: "Норвегия увеличила поставки сжиженного газа в ЕС", not: ["eu_aid"] },
  { lang: "ru", title: "Страны ЕС помогли Италии справиться с наводнением", not: ["eu_aid"] },
  { lang: "ru", title: "Евросоюз передал Сербии двадцать машин скорой помощи", has: ["eu_aid"] },
  { lang: "en", title: "Azerbaijan to deliver more gas to the EU next year", not: ["eu_aid"] },
  { lang: "en", title: "EU member states help Portugal fight wildfires", not: ["eu_aid"] },
  { lang: "en", title: "EU delivers 15 ambulances to hospitals in Serbia", has: ["eu_aid"] },
]);

run("eu_aid: money paid out to Serbia", [
  { lang: "sr", title: "EU uplatila Srbiji 20 miliona evra za vodovod u Somboru", has: ["eu_aid"] },
  { lang: "ru", title: "ЕС перечислил Сербии первый транш на ремонт дорог", has: ["eu_aid"] },
  { lang: "en", title: "EU disburses 20 million euros to Serbia for water works", has: ["eu_aid"] },
]);

run("aid rules: applications and calls for funds are not funds received", [
  {
    lang: "sr",
    title: "Srbija i Rumunija zajedno konkurišu za sredstva EU za dunavski most",
    not: ["eu_aid"],
  },
  { lang: "sr", title: "Opštine iz Srbije mogu da apliciraju za nove EU grantove", not: ["eu_aid"] },
  { lang: "sr", title: "Beograd zatražio od Moskve donaciju opreme za vatrogasce", not: ["russian_aid"] },
  { lang: "sr", title: "EU je na zahtev Srbije donirala opremu za poplavljene opštine", has: ["eu_aid"] },
  {
    lang: "ru",
    title: "Сербия и Венгрия подали заявку на гранты ЕС для пограничного проекта",
    not: ["eu_aid"],
  },
  { lang: "ru", title: "Белград запросил у Пекина партию медицинского оборудования", not: ["chinese_aid"] },
  { lang: "en", title: "Serbia and Croatia apply for EU funds for a joint river project", not: ["eu_aid"] },
  { lang: "en", title: "Serbian towns compete in a call for proposals for EU grants", not: ["eu_aid"] },
]);

run("aid rules: humanitarian law is not humanitarian aid", [
  { lang: "sr", title: "Rusija: napadi u Gazi krše međunarodno humanitarno pravo", not: ["russian_aid"] },
  {
    lang: "sr",
    title: "EU: Srbija da poštuje humanitarno pravo u postupcima prema migrantima",
    not: ["eu_aid"],
  },
  { lang: "ru", title: "В Москве обсудили нормы международного гуманитарного права", not: ["russian_aid"] },
  { lang: "en", title: "EU says Serbia must respect humanitarian law at its borders", not: ["eu_aid"] },
  { lang: "sr", title: "Ruski humanitarni konvoj stigao u Srbiju", has: ["russian_aid"] },
]);

run("aid rules: trade and energy are not aid", [
  { lang: "sr", title: "EU je i dalje najveći trgovinski partner Srbije i podržava izvoz", not: ["eu_aid"] },
  { lang: "sr", title: "Rusija pomaže Srbiji povoljnim cenama gasa", not: ["russian_aid"] },
  { lang: "ru", title: "Россия поможет Сербии с поставками газа зимой", not: ["russian_aid"] },
  {
    lang: "ru",
    title: "Евросоюз отменил пошлины на экспорт сербских фруктов в помощь фермерам",
    not: ["eu_aid"],
  },
  { lang: "en", title: "Russia helps Serbia with cheap gas as winter nears", not: ["russian_aid"] },
  { lang: "en", title: "EU trade support lifts Serbian exports", not: ["eu_aid"] },
]);

run("aid rules: 'to help' promised, planned or diplomatic is not help given", [
  { lang: "sr", title: "Evropska komisija će pomoći da se region izvuče iz krize", not: ["eu_aid"] },
  { lang: "sr", title: "Kina je spremna da pomogne Srbiji u izgradnji bolnica", not: ["chinese_aid"] },
  { lang: "sr", title: "Ruski ambasador: Pomagaćemo Srbiji i ubuduće", not: ["russian_aid"] },
  { lang: "sr", title: "Rusija pomaže Srbiji u Savetu bezbednosti", not: ["russian_aid"] },
  { lang: "sr", title: "Kina obećala da pomaže Srbiji", not: ["chinese_aid"] },
  { lang: "sr", title: "Kineska ambasada: Nastavićemo da pomažemo srpskom narodu", not: ["chinese_aid"] },
  { lang: "sr", title: "Kina je nastavila da pomaže srpskim bolnicama", has: ["chinese_aid"] },
  { lang: "sr", title: "Rusija je pomogla Srbiji u borbi protiv epidemije", has: ["russian_aid"] },
  { lang: "ru", title: "Китай может помогать Сербии и дальше", not: ["chinese_aid"] },
  { lang: "ru", title: "Россия поможет Сербии в переговорах по Косову", not: ["russian_aid"] },
  { lang: "ru", title: "Российские спасатели помогли потушить лесной пожар в Сербии", has: ["russian_aid"] },
  { lang: "en", title: "China pledges to help Serbia build hospitals", not: ["chinese_aid"] },
  { lang: "en", title: "Russia helps Serbia at the UN Security Council", not: ["russian_aid"] },
  { lang: "en", title: "Chinese engineers helped Serbian doctors set up a lab", has: ["chinese_aid"] },
]);

run("aid rules: joint military exercises are not aid", [
  {
    lang: "sr",
    title: "Ruski padobranci pomogli srpskim u zajedničkoj vežbi kod Niša",
    not: ["russian_aid"],
  },
  {
    lang: "ru",
    title: "Российские военные помогли сербским коллегам на учениях под Нишем",
    not: ["russian_aid"],
  },
  { lang: "en", title: "Russian troops help Serbian units in a joint exercise", not: ["russian_aid"] },
]);

run("direction of aid: Serbia giving or offering is never aid to Serbia", [
  { lang: "sr", title: "Srbija ponudila respiratore Severnoj Makedoniji", not: ["mask_diplomacy"] },
  { lang: "sr", title: "Vučić ponudio kineske vakcine susedima", not: ["mask_diplomacy", "chinese_aid"] },
  { lang: "sr", title: "Vučić: Poslaćemo ruske vakcine i Republici Srpskoj", not: ["russian_aid"] },
  { lang: "sr", title: "Pomoć iz Srbije stigla u Banjaluku", not: ["russian_aid", "eu_aid"] },
  { lang: "ru", title: "Сербия предложила Черногории партию российской вакцины", not: ["russian_aid"] },
  { lang: "ru", title: "Вучич предложил соседям китайские маски", not: ["chinese_aid", "mask_diplomacy"] },
  {
    lang: "en",
    title: "Serbia offers Chinese-made ventilators to Bosnia",
    not: ["chinese_aid", "mask_diplomacy"],
  },
]);

run("direction of aid: a donor's exports to the world are not aid to Serbia", [
  {
    lang: "sr",
    title: "Kina je izvezla milijarde maski širom sveta",
    not: ["mask_diplomacy", "chinese_aid"],
  },
  { lang: "sr", title: "Kineske fabrike respiratora rade za izvoz", not: ["mask_diplomacy"] },
  { lang: "sr", title: "Kina izvozi testove u Srbiju", has: ["mask_diplomacy"] },
  { lang: "ru", title: "Китай экспортировал в мир миллиарды масок", not: ["mask_diplomacy"] },
  { lang: "en", title: "China ships masks around the world as factories restart", not: ["mask_diplomacy"] },
]);

run("recipient: another place in the same clause is a rival recipient", [
  { lang: "sr", title: "Ruski lekari pomažu u Prištini", not: ["russian_aid", "mask_diplomacy"] },
  { lang: "sr", title: "Rusija poslala pomoć Srbima na Kosovu", has: ["russian_aid", "kosovo"] },
  {
    lang: "sr",
    title: "Kina donirala maske Italiji",
    summary: "Srbija je sopstvene zalihe popunila ranije.",
    not: ["chinese_aid", "mask_diplomacy"],
  },
  { lang: "ru", title: "Китайские врачи прибыли в Приштину", not: ["chinese_aid", "mask_diplomacy"] },
  { lang: "en", title: "EU donates ambulances to Pristina hospitals", not: ["eu_aid"] },
]);

run("recipient: beside a rival recipient, Serbia as a subject is not the recipient", [
  { lang: "sr", title: "Rusija poslala pomoć Italiji, Srbija još čeka", not: ["russian_aid"] },
  { lang: "sr", title: "Srbija i Italija dobile pomoć od Rusije", has: ["russian_aid"] },
  { lang: "sr", title: "Norveška i EU finansirale novu bolnicu u Novom Pazaru", has: ["eu_aid"] },
  { lang: "ru", title: "Россия отправила помощь Италии, Сербия пока ждет", not: ["russian_aid"] },
  { lang: "ru", title: "Россия отправила помощь Италии и Сербии", has: ["russian_aid"] },
  {
    lang: "en",
    title: "Russia sends aid to Italy as Serbia waits for its own shipment",
    not: ["russian_aid"],
  },
  { lang: "en", title: "Russia sends aid to Italy and to Serbia", has: ["russian_aid"] },
  { lang: "en", title: "Moscow sends doctors to Bergamo, Serbia to get help later", not: ["russian_aid"] },
  {
    lang: "sr",
    title: "Rusija šalje lekare u Bergamo, Srbija će pomoć dobiti kasnije",
    not: ["russian_aid"],
  },
]);

run("mask_diplomacy: a foreign factory or investment is not a supply from abroad", [
  { lang: "sr", title: "Kineski proizvođač maski otvara fabriku kod Šapca", not: ["mask_diplomacy"] },
  {
    lang: "ru",
    title: "Китайская компания построит в Сербии завод по выпуску масок",
    not: ["mask_diplomacy"],
  },
  { lang: "en", title: "Chinese mask maker to open a factory in Serbia", not: ["mask_diplomacy"] },
  { lang: "sr", title: "Stigla pošiljka kineskih maski za bolnice u Srbiji", has: ["mask_diplomacy"] },
]);

run("clauses: a contrastive clause is a window of its own", [
  {
    lang: "sr",
    title: "Kina je poslala lekare u Italiju, a Srbija je opremu nabavila sama",
    not: ["chinese_aid", "mask_diplomacy"],
  },
  {
    lang: "ru",
    title: "Китай направил врачей в Италию, а Сербия закупила оборудование сама",
    not: ["chinese_aid", "mask_diplomacy"],
  },
  {
    lang: "en",
    title: "China sent doctors to Italy, while Serbia equipped its hospitals on its own",
    not: ["chinese_aid", "mask_diplomacy"],
  },
  // a gapped remnant ("…, a Srbiji…") has no act of its own and stays with the clause before it
  {
    lang: "sr",
    title: "Rusija je poslala lekare Italiji, a Srbiji respiratore",
    has: ["russian_aid", "mask_diplomacy"],
  },
  {
    lang: "en",
    title: "Russia sent doctors to Italy, and ventilators to Serbia",
    has: ["russian_aid", "mask_diplomacy"],
  },
]);

run("recall: gratitude to the donor's people or team for help already given", [
  { lang: "sr", title: "Vučić zahvalio ruskom timu na nesebičnom radu u Srbiji", has: ["russian_aid"] },
  { lang: "sr", title: "Hvala kineskom narodu, poručio je predsednik Srbije", has: ["chinese_aid"] },
  {
    lang: "ru",
    title: "Вучич поблагодарил российских военных специалистов за работу в Сербии",
    has: ["russian_aid"],
  },
  { lang: "ru", title: "Белград благодарит китайскую команду медиков", has: ["chinese_aid"] },
  { lang: "en", title: "Vucic thanks the Russian team for its work in Serbia", has: ["russian_aid"] },
  { lang: "en", title: "Serbia thanks Chinese specialists", has: ["chinese_aid"] },
  { lang: "sr", title: "Vučić zahvalio ruskom narodu na podršci oko Kosova", not: ["russian_aid"] },
  // gratitude addressed to the donor state: the thanked party is in the dative, the thanker is not
  { lang: "sr", title: "Ministar zdravlja: Zahvalni smo Kini, ali i Evropskoj uniji", has: ["chinese_aid"] },
  { lang: "sr", title: "Rusija zahvalila Srbiji na gostoprimstvu", not: ["russian_aid"] },
  { lang: "ru", title: "Вучич: Мы благодарны России за все, что она сделала", has: ["russian_aid"] },
  { lang: "ru", title: "Россия поблагодарила Сербию за гостеприимство", not: ["russian_aid"] },
  { lang: "en", title: "Serbian health minister thanks China for its support", has: ["chinese_aid"] },
  { lang: "sr", title: "Transparent na utakmici u Nišu: Hvala, Rusijo", has: ["russian_aid"] },
]);

run("recall: medical and disinfection teams as pandemic help", [
  { lang: "sr", title: "Ruski vojni virusolozi stigli u Niš", has: ["russian_aid", "mask_diplomacy"] },
  {
    lang: "sr",
    title: "Ruski tim za dezinfekciju obradio bolnicu u Kraljevu",
    has: ["russian_aid", "mask_diplomacy"],
  },
  {
    lang: "sr",
    title: "Jedinice RHBZ dezinfikovale staračke domove u Srbiji",
    has: ["russian_aid", "mask_diplomacy"],
  },
  {
    lang: "sr",
    title: "Kineski epidemiolozi obišli kovid bolnicu u Beogradu",
    has: ["chinese_aid", "mask_diplomacy"],
  },
  {
    lang: "ru",
    title: "Специалисты войск РХБЗ продезинфицировали больницу в Сербии",
    has: ["russian_aid", "mask_diplomacy"],
  },
  {
    lang: "ru",
    title: "Российские дезинфекционные бригады работают в Белграде",
    has: ["russian_aid", "mask_diplomacy"],
  },
  {
    lang: "en",
    title: "Russian disinfection teams finish work in Serbian hospitals",
    has: ["russian_aid", "mask_diplomacy"],
  },
  { lang: "ru", title: "Российские вирусологи прибыли в Италию", not: ["russian_aid", "mask_diplomacy"] },
  {
    lang: "ru",
    title: "Российские военные покинули Сербию после завершения дезинфекции больниц",
    has: ["russian_aid", "mask_diplomacy"],
  },
  {
    lang: "sr",
    title: "Ruski vojnici završili dezinfekciju bolnica u Srbiji",
    has: ["russian_aid", "mask_diplomacy"],
  },
]);

run("recall: the donor's people as donors", [
  {
    lang: "sr",
    title: "Kinezi su nam poslali respiratore i maske, rekao je Vučić",
    has: ["chinese_aid", "vucic"],
  },
  { lang: "sr", title: "Rusi poslali Srbiji još jedan avion sa pomoći", has: ["russian_aid"] },
  { lang: "ru", title: "Китайцы передали Сербии аппараты ИВЛ", has: ["chinese_aid", "mask_diplomacy"] },
]);

run("xi: case forms of the name after prepositions", [
  { lang: "sr", title: "Vučić se sastao sa Sijem u Pekingu", has: ["xi", "vucic"] },
  { lang: "sr", title: "Premijerka kod Sija: razgovori o investicijama", has: ["xi"] },
  { lang: "sr", title: "Pismo zahvalnosti upućeno prema Siju", has: ["xi"] },
  { lang: "sr", title: "Si je rekao da je Srbija čelični prijatelj", has: ["xi"] },
  { lang: "sr", title: "Predsednik Srbije zahvalio Siju na podršci", has: ["xi"] },
  { lang: "sr", title: "Karte za koncert pevačice Sije rasprodate", not: ["xi"] },
  { lang: "sr", title: "Fotografije za Siju stigle iz Beograda", not: ["xi"] },
  { lang: "sr", title: "Sija sunce nad Beogradom posle nedelju dana kiše", not: ["xi"] },
  { lang: "sr", title: "Gde si bio kad je počelo?", not: ["xi"] },
  { lang: "ru", title: "Вучич провел переговоры с Си в Пекине", has: ["xi", "vucic"] },
  { lang: "ru", title: "Путин и Си обсудили торговлю", has: ["xi", "putin"] },
  { lang: "ru", title: "Си заявил о дружбе с Сербией", has: ["xi"] },
  { lang: "ru", title: "Курсы программирования на Си для школьников", not: ["xi"] },
  { lang: "ru", title: "Работа с Си и ассемблером для начинающих", not: ["xi"] },
  { lang: "en", title: "Vucic meets Xi in Beijing", has: ["xi", "vucic"] },
]);

run("kosovo: leaders only when named as leaders; envoys alone are not Kosovo", [
  { lang: "sr", title: "Bivši premijer Ramuš Haradinaj podneo ostavku", has: ["kosovo"] },
  { lang: "sr", title: "Haradinaj oslobođen optužbi u Hagu", not: ["kosovo"] },
  { lang: "sr", title: "Predsednica Vjosa Osmani u Vašingtonu", has: ["kosovo"] },
  { lang: "sr", title: "Lajčak se sastao sa liderima u Sarajevu", not: ["kosovo"] },
  { lang: "sr", title: "Lajčak: dijalog Beograda i Prištine nastavlja se u ponedeljak", has: ["kosovo"] },
  { lang: "sr", title: "Posrednik EU Lajčak stiže u Beograd", not: ["kosovo"] },
  { lang: "ru", title: "Бывший президент Тачи предстал перед судом", has: ["kosovo"] },
  { lang: "ru", title: "Тачи дал показания в Гааге", not: ["kosovo"] },
  { lang: "ru", title: "Спецпредставитель ЕС Лайчак посетит Белград", not: ["kosovo"] },
  { lang: "en", title: "Former president Thaci goes on trial in The Hague", has: ["kosovo"] },
  { lang: "en", title: "Haradinaj resigns", not: ["kosovo"] },
  { lang: "en", title: "EU envoy Lajcak to visit Belgrade", not: ["kosovo"] },
  { lang: "sr", title: "Kurti odbio predlog o ZSO", has: ["kosovo"] },
]);
