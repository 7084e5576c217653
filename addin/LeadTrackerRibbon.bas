Attribute VB_Name = "LeadTrackerRibbon"
' Lead Tracker ribbon: every button on the Lead Tracker tab calls OnRibbon with itself. OnRibbon hands the
' button's id to Python (addin/ribbon.py, on_click), which runs the command on the active workbook and reports
' the result in Excel. New buttons need no VBA: only a line in customUI.xml and a row in addin.ribbon.BUTTONS.
Option Explicit

Public Sub OnRibbon(control As IRibbonControl)
    RunPython "import addin.ribbon as r; r.on_click('" & control.Id & "')"
End Sub
