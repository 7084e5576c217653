"""Letters, emails, meeting invites and text drafts for the steps of the plan (issue 6, DESIGN §8).

    names.py      owners -> "Dear John and Mary Smith," and the addressee lines
    addresses.py  the mailing address (USPS Publication 28) and its display form
    text.py       money, dates, safe text for documents and CSV files
    context.py    one lead's template context: letterhead, owners, CMA and comps, timeline, net sheet, slots
    meetings.py   two meeting times in working hours, .ics invites
    templates.py  finding templates (the agent's folder first), the sandboxed autoescaping renderer
    pdf.py        LibreOffice headless: .docx -> one print-ready PDF
    labels.py     Avery 5160 label sheets and the mailing CSV
    mail.py       .eml messages (plain text + HTML, headers, footer, attachments)
    smtp.py       sending through the agent's mail server
    sms.py        short text-message drafts
    selection.py  which leads get which document today, and why others are skipped
    command.py    the `letters` and `emails` commands
    build_templates.py  writes the built-in templates (python -m leadtracker.documents.build_templates)
"""
