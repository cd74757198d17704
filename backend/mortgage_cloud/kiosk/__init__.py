"""The PC flow's branch kiosk (智能设备): device sessions opened by the bank, and the evidence each step leaves."""
