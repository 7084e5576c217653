"""Every source the state rules cite, by key: a citation a person can look up and the address it was read at.

Keys in capitals follow ../shared/reference/foreclosure_timelines.md (§6) so the research and the data can be read
side by side; keys marked "checked" were read again for this module (statute text or a court quoting it).
"""

from __future__ import annotations

from .model import Source

_SOURCES: dict[str, tuple[str, str]] = {
    # Federal
    "REGX41": ("12 CFR 1024.41(f), (g) (Regulation X), as quoted",
               "https://upsidedownrealestate.com/?p=3780"),
    "REGX41CFPB": ("12 CFR 1024.41 (CFPB eRegulations)", "https://www.consumerfinance.gov/eregulations/1024-41/2015-18239"),
    "REGX39": ("12 CFR 1024.39 (Regulation X early intervention)",
               "http://www.bankersonline.com/regs/12-1024/12-1024-039.html"),
    # Fannie Mae time frames and ATTOM averages (aggregates)
    "FNMA19": ("Fannie Mae Servicing Guide Exhibit: Foreclosure Time Frames (effective 1/1/2019)",
               "https://servicing-guide.fanniemae.com/THE-SERVICING-GUIDE/SVC-Guide-Exhibits/1207687131/"
               "Foreclosure-Time-Frames-and-Compensatory-Fee-Allowable-Delays-Exhibit-12-19-2018.htm"),
    "FNMAOLD": ("Fannie Mae Foreclosure Time Frames exhibit, older undated vintage (about 2015-16)",
                "https://tr.scribd.com/document/305024691/Foreclosure-Timeframes-Compensatory-Fees-Allowable-Delays"),
    "ATTOM19": ("ATTOM Data, average days to foreclose, Q3 2019",
                "https://safeguardproperties.com/attom-data-foreclosure-timelines-12-6-19"),
    "UI19": ("Fannie Mae/Freddie Mac uniform security instrument, section 19 (reinstatement), as quoted",
             "https://www.myforeclosureoptions.net/right-to-cure/"),
    "ALLFC": ("all-foreclosure.com state procedures guide (old, undated)", "http://www.all-foreclosure.com/procedures.htm"),
    "RT": ("RealtyTrac-style state foreclosure table (old, undated copy)",
           "https://childrenshelp.wordpress.com/investing-in-foreclosed-properties/foreclosure-laws-procedures-by-state/"),
    # Arizona
    "AZ813": ("A.R.S. 33-813(A) (checked)", "http://laws9.com/statutes/arizona/title33/33-813"),
    "AZ809": ("A.R.S. 33-809(B) (checked)", "https://www.azleg.gov/ars/33/00809.htm"),
    "AZ808": ("A.R.S. 33-808(A)(3), (A)(4), (B) (checked; text as copied)",
              "https://www.scribd.com/document/37280690/California-Statutes-Foreclosure"),
    "AZ1301": ("A.R.S. 1-301(A)(1): Sunday of each week is a holiday (checked; text in SB 1235, 2018)",
               "https://www.azleg.gov/legtext/53leg/2r/bills/sb1235p.htm"),
    "AZPR": ("PropertyRadar, Arizona foreclosure process and laws",
             "https://help.propertyradar.com/en/articles/1027358-arizona-foreclosure-process-laws"),
    "AZZ": ("Arizona trustee sale timeline (law firm)", "https://zlawaz.com/2014/11/arizonatrusteesaletimeline"),
    "AZESQ": ("Chapparral Dev. v. RMED Int'l, 170 Ariz. 309 (App. 1991), as summarised",
              "https://azesquire.com/foreclosure-and-the-right-of-reinstatement/"),
    # California
    "CA2924C": ("Cal. Civ. Code 2924c(a), (e) (checked)", "https://california.public.law/codes/civil_code_section_2924c"),
    "CAHICKS": ("Hicks v. E.T. Legg & Associates, 89 Cal.App.4th 496 (2001), quoting Civ. Code 2924c(e) (checked)",
                "https://cetient.com/opinion/2244489/hicks-v-et-legg-associates"),
    "CALC": ("Cal. Civ. Code 2924, as summarised", "https://legalclarity.org/california-civil-code-2924-the-foreclosure-process"),
    "CAFT": ("firsttuesday Journal, the notice of trustee's sale", "https://journal.firsttuesday.us/the-notice-of-trustees-sale/75461"),
    "CATL": ("Cal. Civ. Code 2923.5/2923.55, as summarised",
             "https://terms.law/Foreclosure-Defense/Pre-Foreclosure/california-notice-of-default-response.html"),
    "CAEQ": ("Equal Access to the Law, non-judicial foreclosure process",
             "http://equalaccesstothelaw.com/library-of-services/foreclosure/non-judicial-foreclosure-process"),
    "CAAMB": ("California foreclosure notice summary (2009)", "http://ambersboutique.blogspot.com/2009/03/foreclosures-2009-update.html"),
    "CA2924M": ("Cal. Civ. Code 2924m (effective until 1/1/2031)",
                "https://d1tvxue8o4w0fl.cloudfront.net/statute/california-codes/california-civil-code/division-3-obligations/"
                "part-4-obligations-arising-from-particular-transactions/title-14-lien/chapter-2-mortgage/"
                "article-1-mortgages-in-general/section-2924m-effective-112025-effective-until-112031-prospective-owner-occupants"),
    # Colorado
    "CODOUG": ("Douglas County Public Trustee, foreclosure process prior to sale",
               "https://www.douglas.co.us/publictrustee/foreclosure-process-prior-to-sale/"),
    "COPUEB": ("Pueblo County, foreclosure process", "https://county.pueblo.org/treasurers-office/foreclosure-process"),
    "CO103": ("C.R.S. 38-38-103", "https://colorado.public.law/statutes/crs_38-38-103"),
    "COLTGC": ("Land Title Guarantee Co., foreclosure part 2 (C.R.S. 38-38-104)", "https://www.ltgc.com/resources/foreclosure-part2/"),
    # Connecticut
    "CTMED": ("C.G.S. 49-31n (mediation period)",
              "https://instalawyer.io/laws/connecticut-general-statutes/section-49-31n-mediation-period"),
    "CTNOLO": ("Nolo, Connecticut foreclosure mediation program",
               "https://www.nolo.com/legal-encyclopedia/foreclosure-mediation-program-in-connecticut.html"),
    "CTLC": ("Connecticut foreclosure mediation time period",
             "https://legalclarity.org/foreclosure-mediation-time-period-expired-in-connecticut-what-to-do-next"),
    # District of Columbia
    "DC815": ("D.C. Code 42-815", "https://code.dccouncil.us/us/dc/council/code/sections/42-815"),
    "DCCAFN": ("Capital Area Foreclosure Network, DC foreclosure process",
               "https://capitalareaforeclosurenetwork.org/foreclosure-process-district-of-columbia/"),
    "DCPF": ("PreventForeclosure.com, District of Columbia guide",
             "https://preventforeclosure.com/guides/district-of-columbia/how-to-stop-foreclosure"),
    # Florida
    "FL45031": ("Fla. Stat. 45.031(1)(a) (checked)", "https://www.syfert.com/florida/statutes/0045.031.html"),
    "FLSFL": ("Florida notice of sale requirements (Fla. Stat. 45.031)",
              "https://stopforeclosurelawyer.com/amp/blog/foreclosure-notice-of-sale-what-are-the-requirements"),
    "FLRED": ("Redemption period in Florida (Fla. Stat. 45.0315)", "https://distresseddealradar.com/learn/redemption-period-in-florida"),
    "FLBURR": ("Burr & Forman, statutory right of redemption (Fla. Stat. 45.0315)",
               "https://www.burr.com/2015/08/11/statutory-right-of-redemption-must-be-strictly-construed/"),
    "FLLC": ("How long a Florida foreclosure takes", "https://legalclarity.org/how-long-does-a-foreclosure-take-in-florida"),
    # Georgia
    "GA9161": ("O.C.G.A. 9-13-161(a) (checked)",
               "https://law.justia.com/codes/georgia/2021/title-9/chapter-13/article-7/part-2/section-9-13-161/?current=1"),
    "GAOLIVER": ("Oliver v. Wayne (Ga. 1936): a power of sale follows the time, place and manner of public sales",
                 "https://cetient.com/case/5591143/oliver-v-wayne"),
    "GAFLL": ("Georgia foreclosure (O.C.G.A. 44-14-162.2)", "https://findlocallaw.com/georgia/real-property/foreclosure-georgia/"),
    "GA141": ("O.C.G.A. 9-13-141", "https://law.justia.com/codes/georgia/2021/title-9/chapter-13/article-7/part-1/section-9-13-141/"),
    "GAPB": ("PropBot, the Georgia foreclosure process", "https://propbot.com/foreclosures/the-georgia-foreclosure-process_a_1127"),
    # Illinois
    "IL1602": ("735 ILCS 5/15-1602 (checked)", "https://ilga.gov/legislation/ilcs/documents/073500050K15-1602.htm"),
    "IL1603": ("735 ILCS 5/15-1603 (2005 text)", "http://law.justia.com/codes/illinois/2005/chapter56/62589.html"),
    "IL1507": ("735 ILCS 5/15-1507(b), 15-1504.5 (P.A. 100-0685)",
               "https://ilga.gov/legislation/publicacts/fulltext.asp?Name=100-0685&print=true"),
    "ILTB": ("The mortgage foreclosure timeline in Illinois (law firm)",
             "https://www.tedbondjrpc.com/civil-litigation/the-mortgage-foreclosure-timeline-in-illinois/"),
    "ILIDPS": ("Illinois foreclosure law summary", "http://www.idpsllc.com/foreclosurelaw.html"),
    "ILBETH": ("Illinois special right of redemption after sale (law firm)",
               "https://bethmannrealestatelaw.com/2019/03/15/if-i-lose-my-home-to-foreclosure-in-illinois-can-i-get-it-back-"
               "foreclosed-homeowners-sometimes-get-the-right-to-redeem-repurchase-the-home-after-a-foreclosure-sale-in-"
               "illinois-but-you-must/"),
    # Massachusetts
    "MA35A": ("M.G.L. c. 244, s. 35A(a), (b) (checked)",
              "https://instalawyer.io/laws/massachusetts-general-laws/section-35a-right-of"),
    "MADOB": ("Mass. Division of Banks: right to cure back to 90 days from 1/1/2016 (checked)",
              "https://www.mass.gov/service-details/frequently-asked-questions-about-the-january-1-2016-updates-to-the-right-to-cure"),
    "MA209": ("209 CMR 56.03", "https://regulations.justia.com/states/massachusetts/209-cmr/title-209-cmr-56-00/section-56-03"),
    "MA14": ("M.G.L. c. 244, s. 14", "https://instalawyer.io/laws/massachusetts-general-laws/section-14-oreclosure-under"),
    "MALRI": ("MassLegalHelp, notice of sale", "https://www.masslegalhelp.org/housing/foreclosures/notice-of-sale"),
    "MAFITCH": ("Raymond v. Real Time Resolutions (D. Mass. 2025), as reported",
                "https://www.fitchlp.com/blog/2025/05/strict-adherence-to-notice-requirement-for-foreclosure-reiterated-"
                "in-grant-of-preliminary-injunction/"),
    "MAFH": ("Mass. Fair Housing, foreclosure process", "http://massfairhousing.org/fair-lending/foreclosure-process"),
    "MANOLO": ("Nolo, redemption after foreclosure in Massachusetts (checked)",
               "https://www.nolo.com/legal-encyclopedia/if-i-lose-home-foreclosure-massachusetts-can-i-back.html"),
    # Maryland
    "MDTL": ("Md. foreclosure process: reinstatement to 1 business day before sale (law firm; checked)",
             "https://www.thoughtlegal.com/important-information-to-know-about-the-foreclosure-process-in-maryland/"),
    "MDNOLO": ("Nolo/AllLaw, Maryland foreclosure laws (Md. Code, Real Prop. 7-105.1)",
               "https://www.alllaw.com/articles/nolo/foreclosure/laws-in-maryland.html"),
    "MDNOLORED": ("Nolo, redemption after foreclosure in Maryland (checked)",
                  "https://www.nolo.com/legal-encyclopedia/if-i-lose-home-foreclosure-maryland-can-i-back.html"),
    "MD1054": ("Md. Code, Real Prop. 7-105.4(c)(2) (checked)",
               "https://www.lawserver.com/law/state/maryland/md-laws/maryland_laws_real_property_7-105-4"),
    "MDBW": ("Maryland foreclosure mediation (law firm)", "https://www.brianwilliamslaw.com/mediation.html"),
    "MDCAL": ("Calvert County Circuit Court, foreclosure", "https://mdcourts.gov/clerks/calvert/foreclosure"),
    "MDLOGAN": ("Foreclosure mediation in Maryland (law firm)",
                "https://www.jamesrloganpa.com/chapter-13/foreclosure-mediation-in-maryland/"),
    "MDRT": ("RealtyTrac, Maryland foreclosure laws summary",
             "http://www.realtytrac.com/news/foreclosure-trends/maryland-foreclosure-laws-summary/"),
    # Michigan
    "MI3240": ("MCL 600.3240 (text; checked)", "https://www.foreclosureandredemptionhelp.com/foreclosure"),
    "MIORL": ("Orlans, shortening redemption in Michigan (MCL 600.3241a)", "https://orlans.com/overview-shortening-redemption-michigan/"),
    "MIRT": ("RealtyTrac, Michigan foreclosure laws",
             "https://m.realtytrac.com/real-estate-guides/foreclosure-laws/michigan-foreclosure-laws/"),
    "MILI": ("LawInfo, Michigan public notice requirements",
             "http://resources.lawinfo.com/foreclosure/michigan/what-public-notice-requirements-are-there-for.html"),
    # Minnesota
    "MN58023": ("Minn. Stat. 580.23 subd. 1 (checked)",
                "https://e.casetext.com/statute/minnesota-statutes/postjudgment-remedies-alternative-dispute-resolution-bonds/"
                "chapter-580-mortgages-foreclosure-by-advertisement/section-58023-redemption-by-mortgagor-affidavit-of-"
                "nonagricultural-use-waiver"),
    "MNPF": ("PreventForeclosure.com, Minnesota guide", "https://preventforeclosure.com/guides/minnesota/how-to-stop-foreclosure"),
    "MNRAM": ("Ramsey County law library, foreclosure", "http://www.co.ramsey.mn.us/ll/foreclosure"),
    # Nevada
    "NV080": ("NRS 107.080", "https://support.propertyradar.com/hc/en-us/articles/203832124--NV-Revised-Statutes-107-080-100"),
    "NV0805": ("NRS 107.0805(1)(a)", "https://instalawyer.io/laws/nevada-revised-statutes/chapter-107-deeds-of-nrs-1070805-trustees-power"),
    "NV500": ("NRS 107.500", "https://instalawyer.io/laws/nevada-revised-statutes/chapter-107-deeds-of-nrs-107500-requirements-before"),
    "NV086": ("NRS 107.086", "https://nevada.public.law/statutes/nrs_107.086"),
    "NVKG": ("Summary of the Nevada foreclosure process (law firm)",
             "http://kgofflaw.com/articles/Summary%20Nevada%20Foreclosure%20Process%20for%20Commercial%20Property.htm"),
    # New Jersey
    "NJAMX": ("New Jersey foreclosure law (Fair Foreclosure Act)", "https://www.amerinotexchange.com/foreclosure-law/new-jersey/"),
    "NJFS": ("ForeclosureSource, New Jersey", "http://foreclosuresource.org/new-jersey/"),
    "NJMET": ("When is it too late to save my home (NJ law firm)", "https://www.metrickesq.com/blog/when-is-it-too-late-to-save-my-home/"),
    # New York
    "NY1304": ("N.Y. RPAPL 1304(1), (2) (checked)", "https://jkorenpc.com/new-york-foreclosure-lawyer/90-day-notice.html"),
    "NY231": ("N.Y. RPAPL 231",
              "https://casetext.com/statute/consolidated-laws-of-new-york/chapter-real-property-actions-and-proceedings/"
              "article-2-general-provisions-governing-real-property-actions/section-231-sale-notice-of-when-and-how-conducted"),
    "NY3408": ("N.Y. CPLR 3408", "https://newyork.public.law/laws/n.y._civil_practice_law_and_rules_section_3408"),
    "NYAB": ("AuctionBlock wiki, New York", "https://wiki.auctionblock.org/jurisdictions/new-york"),
    "NYNOLO": ("Nolo, redemption after foreclosure in New York (checked)",
               "https://www.nolo.com/legal-encyclopedia/if-i-lose-home-foreclosure-new-york-can-i-back.html"),
    # North Carolina
    "NC16": ("N.C.G.S. 45-21.16", "https://lawserver.com/law/state/north-carolina/nc-laws/north_carolina_laws_45-21-16"),
    "NC17": ("N.C.G.S. 45-21.17", "https://www.ncleg.gov/EnactedLegislation/Statutes/HTML/BySection/Chapter_45/GS_45-21.17.html"),
    # Ohio
    "OH2329_27": ("Ohio R.C. 2329.27", "https://codes.findlaw.com/oh/title-xxiii-courts-common-pleas/oh-rev-code-sect-2329-27/"),
    "OH2329_33": ("Ohio R.C. 2329.33", "http://codes.ohio.gov/orc/2329.33"),
    "OH2329_31": ("Ohio R.C. 2329.31", "https://codes.ohio.gov./ohio-revised-code/section-2329.31"),
    "OHNOLO": ("Nolo, redemption after foreclosure in Ohio",
               "https://www.nolo.com/legal-encyclopedia/if-i-lose-home-foreclosure-ohio-can-i-back.html"),
    # Oregon
    "OR774": ("ORS 86.774", "https://codes.findlaw.com/or/title-9-mortgages-and-liens/or-rev-st-sect-86-774/"),
    "OR771": ("ORS 86.771", "https://oregon.public.law/statutes/ors_86.771"),
    "ORPR": ("PropertyRadar, Oregon foreclosure process",
             "https://support.propertyradar.com/hc/en-us/articles/204172950--Oregon-Foreclosure-Process"),
    # Pennsylvania
    "PAMI": ("New foreclosure notice requirements in Pennsylvania (law firm)",
             "https://macdonaldillig.com/resources/news/news-item/new-foreclosure-notice-requirements-in-pennsylvania"),
    "PASG": ("Foreclosure notes (PA law firm)", "https://shaffergaier.com/foreclosure-notes/"),
    # Texas
    "TXHB1128": ("Tex. Prop. Code 51.002(a), (a-1) as amended by H.B. 1128 (85th Leg., 2017) (checked)",
                 "http://www.capitol.state.tx.us/tlodocs/85R/billtext/html/HB01128F.htm"),
    "TXDAG": ("H.B. 1128 signed 5/26/2017, effective 9/1/2017 (checked)",
              "https://www.defaultattorneygroup.org/single-post/2017/06/29/longstanding-texas-tradition-ends-no-more-texas-"
              "tuesday-foreclosure-sales-on-jan-1-or-jul"),
    "TXSMF": ("Tex. Prop. Code 51.002(b), (d), as summarised (checked)",
              "https://www.stopmyforeclosuretx.com/post/facing-foreclosure-in-texas-know-your-rights-under-property-code-51"),
    "TXINT": ("Texas foreclosure basics (law firm)", "https://integritylawtx.com/foreclosure-and-basic-law"),
    # Virginia
    "VART": ("RealtyTrac, Virginia foreclosure laws", "https://automation.realtytrac.com/resources/virginia-foreclosure-laws"),
    "VAEW": ("Virginia foreclosure advertisements of sale (law firm)",
             "https://edwardswhitlocklawplc.blogspot.com/2017/10/foreclosure-advertisements-of-sale.html"),
    # Washington
    "WARCW": ("RCW 61.24 (Deed of Trust Act)", "https://apps.leg.wa.gov/rcw/default.aspx?cite=61.24&full=true"),
    "WASB": ("Washington state foreclosure process", "http://www.stopping-banks-foreclosures.com/state-foreclosure-process/washington.html"),
    "WAFDB": ("Foreclosure Data Bank, Washington", "https://foreclosuredatabank.com/laws/washington.php"),
    "WA163": ("RCW 61.24.163", "https://lawserver.com/law/state/washington/wa-code/washington_code_61-24-163"),
    # Wyoming
    "WYFS": ("ForeclosureSource, state foreclosure laws (Wyoming)", "http://foreclosuresource.org/category/state-foreclosure-laws/"),
}

SOURCES: dict[str, Source] = {key: Source(citation, url) for key, (citation, url) in _SOURCES.items()}


def cite(*keys: str) -> tuple[Source, ...]:
    """The sources for these keys; an unknown key is a programming error and fails at import."""
    return tuple(SOURCES[key] for key in keys)
